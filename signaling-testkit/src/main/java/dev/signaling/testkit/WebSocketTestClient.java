package dev.signaling.testkit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TestClient} over a real socket: the JDK's own WebSocket client ({@code
 * java.net.http.WebSocket}), so that a server is checked against an independent implementation.
 * Whole text messages are queued as they arrive (the JDK may deliver one in parts); every wait is
 * bounded by {@link #TIMEOUT}.
 */
public final class WebSocketTestClient implements TestClient {

  /** One HTTP client (and selector thread) for every plain test client. */
  public static final HttpClient HTTP = HttpClient.newHttpClient();

  private static final Object CLOSED = new Object();

  private final String name;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
  private final WebSocket webSocket;

  private WebSocketTestClient(String name, URI uri, HttpClient http, Map<String, String> headers) throws Exception {
    this.name = Objects.requireNonNull(name, "name");
    WebSocket.Builder builder = http.newWebSocketBuilder();
    headers.forEach(builder::header);
    this.webSocket = builder.buildAsync(uri, new Listener()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Connects with {@link #HTTP} and returns once the upgrade completed.
   *
   * @throws ExecutionException if the server refused the upgrade (its cause is the JDK's {@code
   *     WebSocketHandshakeException}, with the response)
   */
  public static WebSocketTestClient connect(String name, URI uri) throws Exception {
    return new WebSocketTestClient(name, uri, HTTP, Map.of());
  }

  /** Connects through {@code http} (for {@code wss://}, one that trusts the server). */
  public static WebSocketTestClient connect(String name, URI uri, HttpClient http) throws Exception {
    return new WebSocketTestClient(name, uri, http, Map.of());
  }

  /** Connects through {@code http}, sending these extra headers with the upgrade request. */
  public static WebSocketTestClient connect(String name, URI uri, HttpClient http, Map<String, String> headers)
      throws Exception {
    return new WebSocketTestClient(name, uri, http, headers);
  }

  @Override
  public void send(String text) {
    join(webSocket.sendText(text, true));
  }

  @Override
  public void sendBinary(byte[] data) {
    join(webSocket.sendBinary(ByteBuffer.wrap(data), true));
  }

  /** Sends one fragment of a text message ({@code last == false} leaves the message open). */
  public void sendFragment(String text, boolean last) {
    join(webSocket.sendText(text, last));
  }

  @Override
  public String next() {
    Object message;
    try {
      message = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    }
    if (message == null) {
      throw new AssertionError(name + ": no message within " + TIMEOUT);
    }
    if (message == CLOSED) {
      received.add(CLOSED); // later calls fail the same way
      throw new AssertionError(name + ": closed before a message arrived: " + closed.getNow(null));
    }
    return (String) message;
  }

  /** The next text message if one has arrived already, else {@code null}; never waits. */
  public String poll() {
    Object message = received.peek();
    return message instanceof String ? (String) received.poll() : null;
  }

  @Override
  public CloseStatus awaitClose() {
    try {
      CloseStatus status = closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      received.clear();
      return status;
    } catch (TimeoutException e) {
      throw new AssertionError(name + ": not closed within " + TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    } catch (ExecutionException e) {
      throw new AssertionError(name + ": " + e.getCause(), e);
    }
  }

  @Override
  public boolean isClosed() {
    return closed.isDone();
  }

  /** Closes with {@code 1000}, waits (bounded) for the server's close, then drops the connection. */
  @Override
  public void close() {
    if (!closed.isDone() && !webSocket.isOutputClosed()) {
      try {
        webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS); // the server's answer
      } catch (Exception e) {
        // The server may have closed meanwhile; abort below in any case.
      }
    }
    webSocket.abort();
  }

  /** Drops the connection at once, without a close frame. */
  public void abort() {
    webSocket.abort();
  }

  @Override
  public String toString() {
    return name;
  }

  private static void join(CompletableFuture<WebSocket> sent) {
    try {
      sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError("send failed: " + e, e);
    }
  }

  /** Collects whole text messages and the close. */
  private final class Listener implements WebSocket.Listener {
    private final StringBuilder parts = new StringBuilder();

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      parts.append(data);
      if (last) {
        received.add(parts.toString());
        parts.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      ws.request(1); // the server never sends binary; ignore
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(new CloseStatus(statusCode, reason));
      received.add(CLOSED);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      // The TCP connection ended without a close frame: report it as an abnormal close.
      closed.complete(new CloseStatus(1006, String.valueOf(error)));
      received.add(CLOSED);
    }
  }
}
