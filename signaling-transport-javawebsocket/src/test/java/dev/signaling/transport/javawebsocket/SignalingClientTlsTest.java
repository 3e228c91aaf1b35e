package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.transport.javawebsocket.ClientRecorder.Closed;
import dev.signaling.transport.javawebsocket.ClientRecorder.Participants;
import dev.signaling.transport.javawebsocket.SignalingClient.Disconnect;
import dev.signaling.transport.javawebsocket.SignalingClient.Signal;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SignalingClient} over {@code wss://}: the real server behind a TLS-terminating proxy. */
class SignalingClientTlsTest {

  @TempDir static Path keys;
  private static SSLContext tls;

  private final List<SignalingClient> clients = new CopyOnWriteArrayList<>();
  private SignalingServer server;
  private TlsProxy proxy;

  @BeforeAll
  static void makeCertificate() throws Exception {
    tls = TlsProxy.selfSignedLoopback(keys); // about a second: once for the class
  }

  @BeforeEach
  void start() throws Exception {
    server = SignalingServer.builder().host("127.0.0.1").port(0).start();
    proxy = TlsProxy.start(tls, server.port());
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(SignalingClient::close);
    proxy.close();
    server.close();
  }

  private URI wss() {
    return URI.create("wss://127.0.0.1:" + proxy.port());
  }

  private SignalingClient connect(SignalingClient.Builder builder) {
    SignalingClient client = builder.connect();
    clients.add(client);
    return client;
  }

  @Test
  void wss_registersAndSignals_withATrustedCertificate() {
    ClientRecorder a = new ClientRecorder();
    ClientRecorder b = new ClientRecorder();
    SignalingClient clientA = connect(SignalingClient.builder(wss(), "a", "alice")
        .listener(a).sslSocketFactory(tls.getSocketFactory()));
    a.await(Participants.class);
    connect(SignalingClient.builder(wss(), "b", "bob").listener(b).sslSocketFactory(tls.getSocketFactory()));
    a.await(Participants.class, p -> p.participants().size() == 2);

    assertThat(clientA.sendSignalString("b", "over TLS")).isTrue();

    assertThat(b.await(Signal.class).payloadAsString()).contains("over TLS");
  }

  @Test
  void wss_withAnUntrustedCertificate_failsToConnect_andSaysWhy() {
    ClientRecorder a = new ClientRecorder();
    // The JDK's default trust store does not know the self-signed certificate.
    connect(SignalingClient.builder(wss(), "a", "alice").listener(a).noReconnect());

    Disconnect failed = a.await(Disconnect.class);
    assertThat(failed.code()).as("%s", failed).isEqualTo(CloseFrame.NEVER_CONNECTED);
    assertThat(failed.willReconnect()).isFalse();
    a.await(Closed.class);
    assertThat(a.all(Participants.class)).isEmpty();
    assertThat(server.participants()).isEmpty();
  }
}
