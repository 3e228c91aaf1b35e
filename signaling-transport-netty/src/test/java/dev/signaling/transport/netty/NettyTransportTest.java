package dev.signaling.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.testkit.Messages;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.WebSocketTestClient;
import io.netty.channel.epoll.Epoll;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only this transport has: its module descriptor, and its choice of epoll or NIO. Everything
 * a transport does over sockets is checked by the transport test kit ({@link NettyKitTest}) and
 * the attacks ({@code attack.NettyAttackTest}).
 */
class NettyTransportTest {

  private SignalingServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private SignalingServer start(SignalingConfig config) {
    server = SignalingServer.builder().host("127.0.0.1").port(0).config(config).start();
    return server;
  }

  @Test
  void theModule_exportsItsOnePackage_requiresTheCoreTransitively_andNoNettyTypeIsExported() throws Exception {
    assertThat(SignalingServer.class.getModule().getName()).isEqualTo("dev.signaling.transport.netty");
    Path location = Path.of(SignalingServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    ModuleDescriptor descriptor = ModuleFinder.of(location).findAll().stream().map(ModuleReference::descriptor)
        .filter(d -> d.name().equals("dev.signaling.transport.netty")).findFirst().orElseThrow();
    assertThat(descriptor.exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.signaling.transport.netty");
    assertThat(descriptor.requires()).anySatisfy(r -> {
      assertThat(r.name()).isEqualTo("dev.signaling.core");
      assertThat(r.modifiers()).contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    });
    assertThat(descriptor.requires()).filteredOn(r -> r.name().startsWith("io.netty"))
        .noneMatch(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
    assertThat(SignalingHub.class.getModule().isExported("dev.signaling.core.internal", SignalingServer.class.getModule()))
        .isFalse();
  }

  @Test
  void tlsThroughTheJdk_andThroughOpenSsl_excludeEachOther() {
    TestCertificate certificate = TestCertificate.get();
    SignalingServer.Builder both = SignalingServer.builder().host("127.0.0.1").port(0)
        .tls(certificate.serverContext()).openSslTls(certificate.keyManagers());
    assertThatThrownBy(both::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("exclude each other");
  }

  @Test
  void onLinuxX86_64_epollIsUsed() {
    boolean linuxAmd64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
        && System.getProperty("os.arch").equals("amd64");
    assertThat(linuxAmd64).as("this test machine is the platform whose native library the module ships").isTrue();
    assertThat(Epoll.isAvailable()).as("epoll loads on the module path: %s", Epoll.unavailabilityCause()).isTrue();
    start(SignalingConfig.defaults());
    assertThat(server.usesEpoll()).isTrue();
  }

  @Test
  void theNioFallback_servesHealthAndWebSocketsOnOnePort() throws Exception {
    server = SignalingServer.builder().host("127.0.0.1").port(0).nio().start();
    assertThat(server.usesEpoll()).isFalse();
    try (RawSocket health = new RawSocket(server.port())) {
      health.write("GET /health HTTP/1.1\r\n\r\n");
      assertThat(health.readToEndAscii()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("{\"ok\":true}");
    }
    WebSocketTestClient client = WebSocketTestClient.connect("nio", server.webSocketUri());
    client.send(Messages.register("a"));
    assertThat(client.next()).isEqualTo(Messages.participants("a"));
    client.close();
  }
}
