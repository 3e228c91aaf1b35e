package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.QueueListener;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Plain HTTP on the WebSocket port: {@code /health}, {@code 404}, limits and refusals. */
public abstract class HttpEndpointTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected HttpEndpointTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private static final String OK = "HTTP/1.1 200 OK\r\n"
      + "Content-Type: application/json; charset=utf-8\r\n"
      + "Content-Length: 11\r\n"
      + "Connection: close\r\n"
      + "\r\n";
  private static final String NOT_FOUND = "HTTP/1.1 404 Not Found\r\n"
      + "Content-Type: application/json; charset=utf-8\r\n"
      + "Content-Length: 21\r\n"
      + "Connection: close\r\n"
      + "\r\n";
  private static final String UNAVAILABLE = "HTTP/1.1 503 Service Unavailable\r\n"
      + "Content-Type: application/json; charset=utf-8\r\n"
      + "Content-Length: 12\r\n"
      + "Connection: close\r\n"
      + "\r\n";

  /** The largest request head a server must take (docs/protocol.md: 8 KiB). */
  private static final int MAX_HEAD_BYTES = 8 * 1024;

  private ServerHandle server;

  @Override
  protected ServerHandle start(SignalingConfig config) {
    server = super.start(config);
    return server;
  }

  @Override
  protected ServerHandle start() {
    return start(SignalingConfig.defaults());
  }

  /** Sends {@code request} on a fresh connection and returns all the server sent before it closed. */
  private String exchange(String request) throws IOException {
    try (RawSocket socket = wire().raw(server.port())) {
      socket.write(request);
      return socket.readToEndAscii();
    }
  }

  private HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
    return wire().http().send(request.timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  // ------------------------------------------------------------------ /health

  @Test
  void health_answers200WithJson_toAnHttpClient() throws Exception {
    start();
    HttpResponse<String> response = http(HttpRequest.newBuilder(server.healthUri()).GET());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.body()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void healthHead_hasTheSameHeadersAndNoBody_toAnHttpClient() throws Exception {
    start();
    HttpResponse<String> response =
        http(HttpRequest.newBuilder(server.healthUri()).method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.headers().firstValue("content-length")).hasValue("11");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void health_exactBytes_thenTheServerClosesTheSocket() throws Exception {
    start();
    // readToEnd returns only at end of stream, so this also proves the server closed the socket.
    assertThat(exchange("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")).isEqualTo(OK + "{\"ok\":true}");
  }

  @Test
  void healthHead_exactBytes_withoutBody() throws Exception {
    start();
    assertThat(exchange("HEAD /health HTTP/1.1\r\nHost: localhost\r\n\r\n")).isEqualTo(OK);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/health?verbose=1", "/health?", "/health#top", "http://localhost/health?x=y"})
  void health_ignoresQueryString(String target) throws Exception {
    start();
    assertThat(exchange("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")).isEqualTo(OK + "{\"ok\":true}");
  }

  @Test
  void health_answersHttp10Requests() throws Exception {
    start();
    assertThat(exchange("GET /health HTTP/1.0\r\n\r\n")).isEqualTo(OK + "{\"ok\":true}");
  }

  @Test
  void health_headSplitAcrossManyTcpWrites_isAnswered() throws Exception {
    start();
    String request = "GET /health?q=1 HTTP/1.1\r\nHost: localhost\r\nUser-Agent: split\r\n\r\n";
    try (RawSocket socket = wire().raw(server.port())) {
      for (char c : request.toCharArray()) {
        socket.write(String.valueOf(c)); // one segment per byte (TCP_NODELAY)
      }
      assertThat(socket.readToEndAscii()).isEqualTo(OK + "{\"ok\":true}");
    }
  }

  @Test
  void curlStyleRequest_isAnswered() throws Exception {
    start();
    assertThat(exchange("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
        + "\r\nUser-Agent: curl/8.0\r\nAccept: */*\r\n\r\n")).isEqualTo(OK + "{\"ok\":true}");
  }

  @Test
  void whileShuttingDown_healthAnswers503AndUpgradesAreRefused() throws Exception {
    start();
    server.markShuttingDown();
    assertThat(exchange("GET /health HTTP/1.1\r\n\r\n")).isEqualTo(UNAVAILABLE + "{\"ok\":false}");
    assertThat(exchange("HEAD /health HTTP/1.1\r\n\r\n")).isEqualTo(UNAVAILABLE);
    assertThatThrownBy(() -> wire().connect("late", server.webSocketUri()))
        .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(503));
  }

  // ------------------------------------------------------------------ other requests

  @ParameterizedTest
  @ValueSource(strings = {"GET / HTTP/1.1", "GET /healthz HTTP/1.1", "GET /health/ HTTP/1.1",
      "GET /HEALTH HTTP/1.1", "DELETE /health HTTP/1.1", "OPTIONS * HTTP/1.1"})
  void otherRequests_answer404WithJson(String requestLine) throws Exception {
    start();
    assertThat(exchange(requestLine + "\r\nHost: localhost\r\n\r\n")).isEqualTo(NOT_FOUND + "{\"error\":\"not found\"}");
  }

  @Test
  void post_answers404_toAnHttpClient() throws Exception {
    start();
    HttpResponse<String> response =
        http(HttpRequest.newBuilder(server.healthUri()).POST(HttpRequest.BodyPublishers.ofString("{}")));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json; charset=utf-8");
    assertThat(response.body()).isEqualTo("{\"error\":\"not found\"}");
  }

  @Test
  void otherPath_answers404_toAnHttpClient() throws Exception {
    start();
    HttpResponse<String> response =
        http(HttpRequest.newBuilder(server.healthUri().resolve("/metrics")).GET());
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":\"not found\"}");
  }

  @Test
  void nonGetRequestWithUpgradeHeader_isAnInvalidUpgrade_andAnswers400() throws Exception {
    start();
    String body = "{\"error\":\"invalid websocket upgrade\"}";
    assertThat(exchange("POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
        .isEqualTo("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
  }

  @Test
  void headOfOtherPath_answers404WithoutBody() throws Exception {
    start();
    assertThat(exchange("HEAD /nope HTTP/1.1\r\n\r\n")).isEqualTo(NOT_FOUND);
  }

  @ParameterizedTest
  @ValueSource(strings = {"hello\r\n\r\n", "\r\n\r\n", "GET /health\r\n\r\n", "\r\nGET /health HTTP/1.1\r\n\r\n",
      "GET  /health HTTP/1.1\r\n\r\n", "GET /health HTTP/1.1 \r\n\r\n"})
  void malformedRequestLine_answers400(String request) throws Exception {
    start();
    assertThat(exchange(request)).startsWith("HTTP/1.1 400 Bad Request\r\n")
        .contains("Connection: close\r\n").endsWith("{\"error\":\"bad request\"}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Host : x\r\n", "Not a header\r\n", "X-A: a\r\n folded\r\n", "X-A: a\u0001b\r\n",
      "Host: x\n", "Host: x\rX-A: a\r\n"})
  void malformedHeaderLine_answers400AtOnce(String headerLine) throws Exception {
    start();
    assertThat(exchange("GET /health HTTP/1.1\r\n" + headerLine + "\r\n"))
        .isEqualTo("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: 23\r\nConnection: close\r\n\r\n{\"error\":\"bad request\"}");
  }

  @Test
  void requestHeadOver8KiB_answers431() throws Exception {
    start();
    String request = "GET /health HTTP/1.1\r\nX-Padding: " + "a".repeat(9000) + "\r\n\r\n";
    String response = exchange(request);
    String body = "{\"error\":\"request head too large\"}";
    assertThat(response).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large\r\n"
        + "Content-Type: application/json; charset=utf-8\r\n"
        + "Content-Length: " + body.length() + "\r\n"
        + "Connection: close\r\n\r\n" + body);
  }

  @Test
  void requestLineAndHeadersEachUnder8KiB_butTogetherOver_answer431() throws Exception {
    start();
    String body = "{\"error\":\"request head too large\"}";
    assertThat(exchange("GET /health?q=" + "a".repeat(5000) + " HTTP/1.1\r\nX-Padding: " + "b".repeat(5000)
        + "\r\n\r\n")).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large\r\n"
            + "Content-Type: application/json; charset=utf-8\r\n"
            + "Content-Length: " + body.length() + "\r\n"
            + "Connection: close\r\n\r\n" + body);
  }

  @Test
  void requestHeadJustUnder8KiB_isAnswered() throws Exception {
    start();
    String start = "GET /health HTTP/1.1\r\nX-Padding: ";
    String request = start + "a".repeat(MAX_HEAD_BYTES - start.length() - 4) + "\r\n\r\n";
    assertThat(request).hasSize(MAX_HEAD_BYTES);
    assertThat(exchange(request)).isEqualTo(OK + "{\"ok\":true}");
  }

  // ------------------------------------------------------------------ timeouts and limits

  @Test
  void connectionThatSendsNothing_isClosedAfterTheHandshakeTimeout() throws Exception {
    start(SignalingConfig.builder().handshakeTimeout(Duration.ofMillis(200)).build());
    try (RawSocket silent = wire().raw(server.port()); RawSocket partial = wire().raw(server.port())) {
      partial.write("GET /health HTTP/1.1\r\nHost: x\r\n");
      assertThat(silent.readToEnd()).as("nothing, then end of stream").isEmpty();
      assertThat(partial.readToEnd()).as("nothing, then end of stream").isEmpty();
    }
  }

  @Test
  void clientThatDripsItsRequestHead_isClosedAtTheTimeout_thoughItKeepsSending() throws Exception {
    int timeoutMillis = 300;
    start(SignalingConfig.builder().handshakeTimeout(Duration.ofMillis(timeoutMillis)).build());
    try (RawSocket slowloris = wire().raw(server.port())) {
      String head = "GET / HTTP/1.1\r\nUpgrade: websocket\r\nX-Padding: " + "a".repeat(4000);
      long start = System.nanoTime();
      boolean ended = false;
      // One byte every 20 ms: the head is never complete, but bytes keep coming.
      for (int i = 0; i < head.length() && !ended; i++) {
        try {
          slowloris.write(head.substring(i, i + 1));
        } catch (IOException e) {
          ended = true; // reset by the server
          break;
        }
        ended = slowloris.endsWithin(20);
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms before the server hung up").isLessThan(5_000);
      }
      assertThat(ended).isTrue();
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(timeoutMillis - 50);
    }
  }

  @Test
  void completedUpgrade_outlivesTheHandshakeTimeout() throws Exception {
    start(SignalingConfig.builder().handshakeTimeout(Duration.ofMillis(200)).build());
    try (RawSocket upgraded = wire().raw(server.port()).upgrade("/");
        RawSocket silent = wire().raw(server.port())) {
      assertThat(silent.readToEnd()).as("the timeout did fire for the silent one").isEmpty();
      upgraded.sendText("{\"type\":\"probe\"}");
      assertThat(upgraded.readFrame().text()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
    }
  }

  @Test
  void upgradeOverTheConnectionLimit_isRefusedWith503_andTheSlotIsFreedOnClose() throws Exception {
    QueueListener listener = new QueueListener();
    server = start(wire().spec()
        .config(SignalingConfig.builder().maxConnections(2).build()).listener(listener));
    WebSocketTestClient a = wire().connect("a", server.webSocketUri());
    WebSocketTestClient b = wire().connect("b", server.webSocketUri());
    try {
      try (RawSocket third = wire().raw(server.port())) {
        third.write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertThat(third.readToEndAscii()).as("exactly as docs/protocol.md says")
            .isEqualTo("HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: 32\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "{\"error\":\"too many connections\"}");
      }
      assertThatThrownBy(() -> wire().connect("c", server.webSocketUri()))
          .isInstanceOf(ExecutionException.class).cause()
          .isInstanceOfSatisfying(WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(503));
      assertThat(exchange("GET /health HTTP/1.1\r\n\r\n")).as("plain HTTP is not limited")
          .isEqualTo(OK + "{\"ok\":true}");

      a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      a.next();
      a.close();
      assertThat(listener.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("joined a");
      // The slot is freed before the hub learns of the close, so after "left" a new client fits.
      assertThat(listener.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("left a");
      WebSocketTestClient c = wire().connect("c", server.webSocketUri());
      c.close();
    } finally {
      a.close();
      b.close();
    }
  }
}
