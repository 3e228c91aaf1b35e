package dev.signaling.transport.netty;

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

/**
 * A {@link TestClient} over a real socket with the JDK's own WebSocket client, so the server is
 * checked against an independent implementation. Minimal on purpose: the shared test kit's client
 * replaces it.
 */
final class JdkClient implements TestClient {

  private static final Object CLOSED = new Object();

  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
  private final WebSocket webSocket;

  JdkClient(URI uri, HttpClient http) throws Exception {
    webSocket = http.newWebSocketBuilder().buildAsync(uri, new Listener()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void send(String text) {
    webSocket.sendText(text, true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  @Override
  public void sendBinary(byte[] data) {
    webSocket.sendBinary(ByteBuffer.wrap(data), true).orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
  }

  @Override
  public String next() {
    Object message;
    try {
      message = received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    if (message == null) {
      throw new AssertionError("no message within " + TIMEOUT);
    }
    if (message == CLOSED) {
      received.add(CLOSED);
      throw new AssertionError("closed before a message arrived: " + closed.getNow(null));
    }
    return (String) message;
  }

  @Override
  public CloseStatus awaitClose() {
    CloseStatus status = closed.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
    received.clear();
    return status;
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
        // closed by the server meanwhile: aborted below in any case
      }
    }
    webSocket.abort();
  }

  /** Collects whole text messages (the JDK may deliver one in parts) and the close. */
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
