package dev.signaling.cluster.redis;

import dev.signaling.core.testkit.TestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A {@link TestClient} over a real socket, with the JDK's WebSocket client. */
final class WsClient implements TestClient {

  static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Object CLOSED = new Object();

  private final String name;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
  private final WebSocket webSocket;

  WsClient(String name, URI uri) throws Exception {
    this.name = name;
    this.webSocket = HTTP.newWebSocketBuilder().buildAsync(uri, new Listener())
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void send(String text) {
    join(webSocket.sendText(text, true));
  }

  @Override
  public void sendBinary(byte[] data) {
    join(webSocket.sendBinary(ByteBuffer.wrap(data), true));
  }

  @Override
  public String next() {
    return next(TIMEOUT.toMillis());
  }

  /** The next message within this many milliseconds. */
  String next(long millis) {
    Object message;
    try {
      message = received.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(name + ": interrupted", e);
    }
    if (message == null) {
      throw new AssertionError(name + ": no message within " + millis + " ms");
    }
    if (message == CLOSED) {
      received.add(CLOSED);
      throw new AssertionError(name + ": closed before a message arrived: " + closed.getNow(null));
    }
    return (String) message;
  }

  @Override
  public CloseStatus awaitClose() {
    try {
      CloseStatus status = closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      received.clear();
      return status;
    } catch (TimeoutException e) {
      throw new AssertionError(name + ": not closed within " + TIMEOUT, e);
    } catch (Exception e) {
      throw new AssertionError(name + ": " + e, e);
    }
  }

  @Override
  public boolean isClosed() {
    return closed.isDone();
  }

  @Override
  public void close() {
    if (!closed.isDone() && !webSocket.isOutputClosed()) {
      try {
        webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // closed meanwhile by the server; abort below in any case
      }
    }
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
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(new CloseStatus(statusCode, reason));
      received.add(CLOSED);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(new CloseStatus(1006, String.valueOf(error)));
      received.add(CLOSED);
    }
  }
}
