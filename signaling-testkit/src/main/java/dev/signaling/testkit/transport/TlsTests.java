package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/**
 * What only TLS has: the URIs, clients that do not speak TLS or do not trust the certificate.
 * Everything else (HTTP answers, limits, frames, backpressure, the whole protocol) runs over TLS
 * in the {@code Tls*Test} subclasses of the plain tests.
 */
public abstract class TlsTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected TlsTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private ServerHandle server;

  @Override
  protected ServerHandle start(SignalingConfig config) {
    server = start(Wire.TLS.spec().config(config));
    return server;
  }

  @Test
  void urisUseWssAndHttps_andHealthAnswersAnHttpsClient() throws Exception {
    start(SignalingConfig.defaults());
    assertThat(server.isSecure()).isTrue();
    assertThat(server.webSocketUri()).isEqualTo(URI.create("wss://127.0.0.1:" + server.port()));
    assertThat(server.healthUri()).isEqualTo(URI.create("https://127.0.0.1:" + server.port() + "/health"));
    // The client's default version offers HTTP/2 by ALPN; the server selects none, so HTTP/1.1.
    HttpClient https = HttpClient.newBuilder().sslContext(TestCertificate.get().clientContext()).build();
    HttpResponse<String> response = https.send(
        HttpRequest.newBuilder(server.healthUri()).timeout(TestClient.TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    assertThat(response.body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void plainServer_isNotSecure() {
    try (ServerHandle plain = start(Wire.PLAIN.spec())) {
      assertThat(plain.isSecure()).isFalse();
      assertThat(plain.webSocketUri().getScheme()).isEqualTo("ws");
    }
  }

  @Test
  void aClientThatDoesNotTrustTheCertificate_cannotConnect() {
    start(SignalingConfig.defaults());
    assertThatThrownBy(() -> HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(server.healthUri()).timeout(TestClient.TIMEOUT).build(),
            HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void plainHttpOnTheTlsPort_getsNoPlaintextAnswer_andTheServerStaysUp() throws Exception {
    start(SignalingConfig.defaults());
    try (RawSocket plain = new RawSocket(server.port())) {
      plain.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
      byte[] answer;
      try {
        answer = plain.readToEnd();
      } catch (IOException reset) {
        answer = new byte[0];
      }
      assertThat(new String(answer, StandardCharsets.ISO_8859_1)).doesNotContain("HTTP/1.1", "{\"ok\"");
    }
    WebSocketTestClient client = Wire.TLS.connect("after", server.webSocketUri());
    client.send("{\"type\":\"nope\"}");
    assertThat(client.next()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
    client.close();
  }

  @Test
  void aConnectionThatNeverStartsTls_isClosedAfterTheHandshakeTimeout() throws Exception {
    start(SignalingConfig.builder().handshakeTimeout(Duration.ofMillis(200)).build());
    try (RawSocket silent = new RawSocket(server.port())) {
      assertThat(silent.readToEnd()).as("nothing, then end of stream").isEmpty();
    }
  }

  @Test
  void anSslContextThatWasNeverInitialized_isRefusedByTheBuilder() throws Exception {
    javax.net.ssl.SSLContext uninitialized = javax.net.ssl.SSLContext.getInstance("TLS");
    assertThatThrownBy(() -> factory().start(ServerSpec.loopback().tls(uninitialized)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the SSLContext is not initialized");
  }

  @Test
  void close_leavesNoThreadBehind() throws Exception {
    assertCloseLeavesNoThreadBehind();
  }

}
