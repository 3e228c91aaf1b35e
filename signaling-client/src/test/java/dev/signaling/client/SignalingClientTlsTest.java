package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.ClientRecorder.Closed;
import dev.signaling.client.ClientRecorder.Participants;
import dev.signaling.client.ClientRecorder.Registered;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SignalingClient} over {@code wss://}: the real server with the test certificate. */
class SignalingClientTlsTest {

  private final Loopback loopback = new Loopback();
  private SignalingServer server;

  @BeforeEach
  void start() {
    server = loopback.start(SignalingServer.builder().port(0).tls(TestCertificate.get().serverContext()));
  }

  @AfterEach
  void stop() {
    loopback.close();
  }

  @Test
  void wss_registersAndSignals_withATrustedCertificate() {
    URI wss = server.webSocketUri();
    assertThat(wss.getScheme()).isEqualTo("wss");
    ClientRecorder a = new ClientRecorder();
    ClientRecorder b = new ClientRecorder();
    SignalingClient clientA = loopback.connect(Loopback.builder(wss, "a", a).sslContext(TestCertificate.get().clientContext()));
    a.await(Registered.class);
    loopback.connect(Loopback.builder(wss, "b", b).sslContext(TestCertificate.get().clientContext()));
    a.await(Participants.class, p -> p.participants().size() == 2);

    assertThat(clientA.sendSignalString("b", "over TLS")).isTrue();

    assertThat(b.await(Signal.class).payloadAsString()).contains("over TLS");
  }

  @Test
  void wss_withAnUntrustedCertificate_failsToConnect_andSaysWhy() {
    ClientRecorder a = new ClientRecorder();
    // The JDK's default trust store does not know the self-signed test certificate.
    loopback.connect(Loopback.builder(server.webSocketUri(), "a", a).noReconnect());

    Disconnect failed = a.await(Disconnect.class);
    assertThat(failed.code()).as("%s", failed).isEqualTo(Disconnect.NEVER_CONNECTED);
    assertThat(failed.reason()).containsIgnoringCase("certif");
    assertThat(failed.willReconnect()).isFalse();
    a.await(Closed.class);
    assertThat(a.all(Participants.class)).isEmpty();
    assertThat(server.participants()).isEmpty();
  }
}
