package dev.signaling.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client for the examples' tests (the JDK's): sends text and waits, with a
 * timeout, for each message or the close.
 */
final class TestSocket implements AutoCloseable {

  private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private TestSocket(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
    WebSocket.Builder builder = http.newWebSocketBuilder();
    headers.forEach(builder::header);
    socket = builder.buildAsync(uri, new Listener()).get(TestKeystore.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  static TestSocket connect(HttpClient http, URI uri) throws Exception {
    return new TestSocket(http, uri, Map.of());
  }

  static TestSocket connect(HttpClient http, URI uri, Map<String, String> headers) throws Exception {
    return new TestSocket(http, uri, headers);
  }

  void send(String text) throws Exception {
    socket.sendText(text, true).get(TestKeystore.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The next message, waiting up to {@link TestKeystore#TIMEOUT}. */
  String next() throws InterruptedException {
    String message = received.poll(TestKeystore.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (message == null) {
      throw new AssertionError("no message within " + TestKeystore.TIMEOUT);
    }
    return message;
  }

  /** The close code the server sent (1006 when the connection just ended), waiting for it. */
  int awaitClose() throws Exception {
    return closed.get(TestKeystore.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Closes with 1000 and waits for the server's close. */
  @Override
  public void close() throws Exception {
    if (!socket.isOutputClosed() && !closed.isDone()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TestKeystore.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      closed.get(TestKeystore.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
    socket.abort();
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder parts = new StringBuilder();

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
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      closed.complete(code);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(1006);
    }
  }
}
