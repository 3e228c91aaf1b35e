package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The origin allowlist over real sockets: exact answers, and who gets through to the hub. */
public abstract class OriginTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected OriginTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private static final String ALLOWED = "https://app.example.com";
  private static final String FORBIDDEN_BODY = "{\"error\":\"origin not allowed\"}";
  private static final String FORBIDDEN = "HTTP/1.1 403 Forbidden\r\n"
      + "Content-Type: application/json; charset=utf-8\r\n"
      + "Content-Length: " + FORBIDDEN_BODY.length() + "\r\n"
      + "Connection: close\r\n"
      + "\r\n" + FORBIDDEN_BODY;

  private final BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();
  private final SignalingListener listener = new SignalingListener() {
    @Override
    public void connectionOpened(ConnectionInfo connection) {
      opened.add(connection);
    }
  };
  private ServerHandle server;

  private void startWith(Wire wire, SignalingConfig config, String... allowedOrigins) {
    server = start(wire.spec().config(config).allowedOrigins(allowedOrigins).listener(listener));
  }

  private void startWith(String... allowedOrigins) {
    startWith(Wire.PLAIN, SignalingConfig.defaults(), allowedOrigins);
  }

  /** Everything the server answers to {@code request} on a fresh connection, up to its close. */
  private String exchange(String request) throws Exception {
    try (RawSocket socket = new RawSocket(server.port())) {
      socket.write(request);
      return socket.readToEndAscii();
    }
  }

  /** Opens a WebSocket with the JDK client, sending {@code origin} unless it is null. */
  private WebSocket open(HttpClient http, String origin) throws Exception {
    WebSocket.Builder builder = http.newWebSocketBuilder();
    if (origin != null) {
      builder.header("Origin", origin);
    }
    return builder.buildAsync(server.webSocketUri(), new WebSocket.Listener() {})
        .get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private ConnectionInfo nextOpened() throws InterruptedException {
    ConnectionInfo info = opened.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(info).as("a connection reached the hub within %s", TestClient.TIMEOUT).isNotNull();
    return info;
  }

  @Test
  void allowedOrigin_opensASession_howeverItIsWritten() throws Exception {
    startWith(ALLOWED, "http://localhost:8080");
    open(WebSocketTestClient.HTTP, ALLOWED).abort();
    assertThat(nextOpened().handshake().header("origin")).isEqualTo(ALLOWED);
    try (RawSocket raw = new RawSocket(server.port()).upgrade("/", "Origin: HTTPS://App.Example.com:443\r\n")) {
      assertThat(nextOpened().handshake().header("origin")).isEqualTo("HTTPS://App.Example.com:443");
    }
    try (RawSocket raw = new RawSocket(server.port()).upgrade("/", "Origin: http://localhost:8080\r\n")) {
      nextOpened();
    }
  }

  @Test
  void otherOrigin_isRefusedWith403_andNeverReachesTheHub() throws Exception {
    startWith(ALLOWED);
    assertThat(exchange(RawSocket.upgradeRequest("/", "Origin: https://evil.example\r\n"))).isEqualTo(FORBIDDEN);
    assertThat(exchange(RawSocket.upgradeRequest("/", "Origin: http://app.example.com\r\n")))
        .as("same host, other scheme").isEqualTo(FORBIDDEN);
    assertThat(exchange(RawSocket.upgradeRequest("/", "Origin: https://app.example.com:8443\r\n")))
        .as("same host, other port").isEqualTo(FORBIDDEN);
    assertThat(exchange(RawSocket.upgradeRequest("/", "Origin: null\r\n"))).as("opaque origin").isEqualTo(FORBIDDEN);
    assertThatThrownBy(() -> open(WebSocketTestClient.HTTP, "https://evil.example"))
        .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class, e -> {
          assertThat(e.getResponse().statusCode()).isEqualTo(403);
          assertThat(e.getResponse().body()).isEqualTo(FORBIDDEN_BODY);
        });
    // The next connection the hub sees is this allowed one: none of the refused ones got there.
    open(WebSocketTestClient.HTTP, ALLOWED).abort();
    assertThat(nextOpened().handshake().header("origin")).isEqualTo(ALLOWED);
    assertThat(server.hub().metrics().connectionsOpen()).isLessThanOrEqualTo(1);
  }

  @Test
  void moreThanOneOriginHeader_isRefused() throws Exception {
    startWith(ALLOWED);
    assertThat(exchange(RawSocket.upgradeRequest("/", "Origin: " + ALLOWED + "\r\nOrigin: " + ALLOWED + "\r\n")))
        .isEqualTo(FORBIDDEN);
  }

  @Test
  void missingOrigin_isAllowed_becauseOnlyNonBrowserClientsOmitIt() throws Exception {
    startWith(ALLOWED);
    open(WebSocketTestClient.HTTP, null).abort();
    assertThat(nextOpened().handshake().header("origin")).isNull();
  }

  @Test
  void byDefault_anyOriginIsAllowed() throws Exception {
    startWith();
    open(WebSocketTestClient.HTTP, "https://anywhere.example").abort();
    assertThat(nextOpened().handshake().header("origin")).isEqualTo("https://anywhere.example");
  }

  @Test
  void plainHttp_isNotAffected() throws Exception {
    startWith(ALLOWED);
    assertThat(exchange("GET /health HTTP/1.1\r\nOrigin: https://evil.example\r\n\r\n")).endsWith("{\"ok\":true}");
  }

  @Test
  void refusedUpgrades_takeNoConnectionSlot() throws Exception {
    startWith(Wire.PLAIN, SignalingConfig.builder().maxConnections(1).build(), ALLOWED);
    for (int i = 0; i < 3; i++) {
      assertThat(exchange(RawSocket.upgradeRequest("/", "Origin: https://evil.example\r\n"))).isEqualTo(FORBIDDEN);
    }
    open(WebSocketTestClient.HTTP, ALLOWED).abort();
    nextOpened();
  }

  @Test
  void overTls_theAllowlistHoldsToo() throws Exception {
    startWith(Wire.TLS, SignalingConfig.defaults(), ALLOWED);
    try (RawSocket socket = Wire.TLS.raw(server.port())) {
      socket.write(RawSocket.upgradeRequest("/", "Origin: https://evil.example\r\n"));
      assertThat(socket.readToEndAscii()).isEqualTo(FORBIDDEN);
    }
    open(Wire.TLS.http(), ALLOWED).abort();
    assertThat(nextOpened().handshake().header("origin")).isEqualTo(ALLOWED);
  }

  @Test
  void builder_refusesAnEntryThatIsNoOrigin() {
    assertThatThrownBy(() -> factory().start(ServerSpec.loopback().allowedOrigins("https://app.example.com/index.html")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://app.example.com/index.html");
  }
}
