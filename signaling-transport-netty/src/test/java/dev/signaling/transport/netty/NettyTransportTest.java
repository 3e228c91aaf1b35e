package dev.signaling.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingException;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.spi.InboundBudget;
import dev.signaling.core.testkit.RecordingListener;
import dev.signaling.core.testkit.TestClient.CloseStatus;
import io.netty.channel.epoll.Epoll;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the protocol contract cannot see of this transport: its module, its choice of epoll or NIO,
 * and the HTTP and frame-level limits it enforces itself. The shared transport test kit checks the
 * rest over sockets.
 */
class NettyTransportTest {

  private static final String REGISTER = "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"a\"}";

  private final RecordingListener listener = new RecordingListener();
  private SignalingServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private SignalingServer start(SignalingConfig config) {
    server = SignalingServer.builder().host("127.0.0.1").port(0).config(config).listener(listener).start();
    return server;
  }

  private String exchange(String request) throws Exception {
    try (RawClient client = new RawClient(server.port())) {
      client.write(request);
      return client.readToEnd();
    }
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
  void onLinuxX86_64_epollIsUsed_withOneListeningSocketPerEventLoop() {
    boolean linuxAmd64 = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
        && System.getProperty("os.arch").equals("amd64");
    assertThat(linuxAmd64).as("this test machine is the platform whose native library the module ships").isTrue();
    assertThat(Epoll.isAvailable()).as("epoll loads on the module path: %s", Epoll.unavailabilityCause()).isTrue();
    start(SignalingConfig.defaults());
    assertThat(server.usesEpoll()).isTrue();
    assertThat(server.acceptors()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void theNioFallback_servesTheSamePort_withOneListeningSocket() throws Exception {
    EventLoops nio = EventLoops.create(0, 2, false);
    try {
      assertThat(nio.epoll()).isFalse();
      assertThat(nio.acceptors()).isEqualTo(1);
    } finally {
      nio.group().shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).sync();
    }
  }

  @Test
  void aPortInUse_evenByAnotherServerOfThisTransport_isASignalingExceptionNamingIt() {
    start(SignalingConfig.defaults());
    assertThatThrownBy(() -> SignalingServer.builder().host("127.0.0.1").port(server.port()).start())
        .isInstanceOf(SignalingException.class)
        .hasMessageContaining(String.valueOf(server.port()))
        .hasMessageContaining("in use");
  }

  @Test
  void health_404_andARequestHeadOver8KiB_exactBytes_throughARawSocket() throws Exception {
    start(SignalingConfig.defaults());
    assertThat(exchange("GET /health?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n")).isEqualTo("HTTP/1.1 200 OK\r\n"
        + "Content-Type: application/json; charset=utf-8\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
        + "{\"ok\":true}");
    assertThat(exchange("HEAD /nope HTTP/1.1\r\n\r\n")).isEqualTo("HTTP/1.1 404 Not Found\r\n"
        + "Content-Type: application/json; charset=utf-8\r\nContent-Length: 21\r\nConnection: close\r\n\r\n");
    String body = "{\"error\":\"request head too large\"}";
    assertThat(exchange("GET /health HTTP/1.1\r\nX-Padding: " + "a".repeat(9000) + "\r\n\r\n"))
        .isEqualTo("HTTP/1.1 431 Request Header Fields Too Large\r\n"
            + "Content-Type: application/json; charset=utf-8\r\nContent-Length: " + body.length() + "\r\n"
            + "Connection: close\r\n\r\n" + body);
  }

  @Test
  void malformedUpgrades_get400_orA426NamingVersion13() throws Exception {
    start(SignalingConfig.defaults());
    String upgrade = "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    assertThat(exchange(upgrade + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n"))
        .startsWith("HTTP/1.1 400 Bad Request\r\n").endsWith("{\"error\":\"bad request\"}");
    assertThat(exchange(upgrade + "Sec-WebSocket-Version: 13\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n");
    assertThat(exchange(upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n"))
        .startsWith("HTTP/1.1 426 Upgrade Required\r\n").contains("Sec-WebSocket-Version: 13\r\n")
        .doesNotContainIgnoringCase("server:");
  }

  @Test
  void anUnmaskedFrame_closes1002_andInvalidUtf8_closes1007() throws Exception {
    start(SignalingConfig.defaults());
    try (RawClient client = new RawClient(server.port()).upgrade()) {
      client.write(RawClient.frame(RawClient.TEXT, true, false, REGISTER.getBytes(StandardCharsets.UTF_8)));
      assertThat(client.awaitClose()).isEqualTo(1002);
    }
    try (RawClient client = new RawClient(server.port()).upgrade()) {
      client.write(RawClient.frame(RawClient.TEXT, true, true, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}));
      assertThat(client.awaitClose()).isEqualTo(1007);
    }
    listener.await("closed 1002 by server");
    listener.await("closed 1007 by server");
  }

  @Test
  void emptyContinuationFrames_countTheirOverhead_andTrip1009() throws Exception {
    int max = 4096;
    start(SignalingConfig.builder().maxMessageBytes(max).noRateLimit().build());
    try (RawClient client = new RawClient(server.port()).upgrade()) {
      client.write(RawClient.frame(RawClient.TEXT, false, true, "{".getBytes(StandardCharsets.UTF_8)));
      int fragments = max / InboundBudget.FRAGMENT_OVERHEAD_BYTES + 1;
      for (int i = 0; i < fragments; i++) {
        client.write(RawClient.frame(0x0, false, true, new byte[0]));
      }
      assertThat(client.awaitClose()).as("well before the payload reaches the limit").isEqualTo(1009);
    }
    listener.await("closed 1009 by server");
  }

  @Test
  void anUnsolicitedPong_keepsNothingAlive_butAnsweringThePingDoes() throws Exception {
    start(SignalingConfig.builder().pingInterval(Duration.ofMillis(300)).build());
    try (RawClient polite = new RawClient(server.port()).upgrade();
        RawClient liar = new RawClient(server.port()).upgrade()) {
      boolean liarDropped = false;
      for (int pings = 0; pings < 4; pings++) {
        RawClient.Frame ping = polite.readFrame();
        assertThat(ping.opcode()).isEqualTo(RawClient.PING);
        polite.write(RawClient.frame(RawClient.PONG, true, true, ping.payload()));
        try {
          // The liar answers every ping with a pong of its own making, until it is dropped.
          liar.write(RawClient.frame(RawClient.PONG, true, true, "alive".getBytes(StandardCharsets.US_ASCII)));
        } catch (java.io.IOException e) {
          liarDropped = true;
        }
      }
      assertThat(liarDropped).as("the liar was dropped while the polite client answered 4 pings").isTrue();
      assertThat(liar.awaitClose()).as("dropped without a close frame").isEqualTo(-1);
      polite.sendText("{\"type\":\"probe\"}");
      RawClient.Frame answer = polite.readFrame();
      while (answer.opcode() == RawClient.PING) {
        polite.write(RawClient.frame(RawClient.PONG, true, true, answer.payload()));
        answer = polite.readFrame();
      }
      assertThat(answer.text()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
    }
    listener.await("closed 1006 by server");
  }

  @Test
  void close_closesClientsWith1001_andTheSamePortBindsAgainAtOnce() throws Exception {
    start(SignalingConfig.defaults());
    int port = server.port();
    JdkClient client = new JdkClient(server.webSocketUri(), NettyTestServer.PLAIN);
    client.send(REGISTER);
    client.next();
    server.close();
    server.close();
    assertThat(client.awaitClose()).isEqualTo(new CloseStatus(1001, "server shutting down"));
    assertThat(server.hub().isClosed()).isTrue();
    server = SignalingServer.builder().host("127.0.0.1").port(port).start();
    assertThat(exchange("GET /health HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 200 OK");
  }
}
