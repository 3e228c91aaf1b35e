package dev.signaling.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection to the server (or the attempt to open one) on the JDK's {@link
 * WebSocket}: it assembles the text messages the server sends, bounded in size, and reads the
 * next one only when the previous one was handled ({@link #next()}), so what a slow application
 * has not read yet stays in the network, not in memory. It writes through a bounded {@link
 * SendQueue}, pings, and closes. It knows nothing of the protocol.
 *
 * <p>The JDK calls it on the HTTP client's threads, one call at a time; it reports to {@link
 * Events} from those threads, and reports the end exactly once, whatever ends it.
 */
final class ServerLink implements WebSocket.Listener {

  /** What a link reports; called on the HTTP client's threads, one call at a time. */
  interface Events {

    /** The WebSocket opened; nothing was sent on it yet. */
    void opened(ServerLink link);

    /** A whole text message arrived; the next one is read after {@link ServerLink#next()}. */
    void received(ServerLink link, String text);

    /** The connection ended, or could not be opened: the last report of this link. */
    void ended(ServerLink link, int code, String reason, boolean remote);
  }

  private static final int MESSAGE_TOO_BIG = 1009;
  private static final int ABNORMAL = 1006;
  private static final ByteBuffer PING = ByteBuffer.allocate(0);

  private final Events events;
  private final long maxQueuedChars;
  private final int maxMessageChars;
  private final AtomicBoolean ended = new AtomicBoolean();
  private final CountDownLatch endedLatch = new CountDownLatch(1);
  private volatile CompletableFuture<WebSocket> opening;
  private volatile WebSocket socket;
  private volatile SendQueue queue;
  private volatile boolean closeSent;
  private volatile boolean heard = true;
  private StringBuilder partial = new StringBuilder(); // the JDK's threads only, one at a time

  ServerLink(Events events, long maxQueuedChars, int maxMessageChars) {
    this.events = events;
    this.maxQueuedChars = maxQueuedChars;
    this.maxMessageChars = maxMessageChars;
  }

  /** Starts opening the connection; returns at once. */
  void open(HttpClient http, URI uri, Map<String, List<String>> headers, Duration connectTimeout) {
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
    headers.forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
    CompletableFuture<WebSocket> future = builder.buildAsync(uri, this);
    opening = future;
    future.whenComplete((ws, error) -> {
      if (error != null) {
        end(Disconnect.NEVER_CONNECTED, describe(error), true);
      }
    });
  }

  /**
   * Queues a text message.
   *
   * @return false when the connection is not open or the queue is full
   */
  boolean send(String text) {
    SendQueue q = queue;
    return q != null && !ended.get() && q.offer(text);
  }

  /** Lets the next message in, once the application handled the previous one. */
  void next() {
    WebSocket ws = socket;
    if (ws != null && !ended.get()) {
      ws.request(1);
    }
  }

  /**
   * Pings the server, after checking that it sent something (a pong at least) since the last ping.
   *
   * @return false when it stayed silent since the last ping: the caller ends the link
   */
  boolean ping() {
    WebSocket ws = socket;
    if (ws == null || ended.get()) {
      return true;
    }
    if (!heard) {
      return false;
    }
    heard = false;
    ws.sendPing(PING.duplicate());
    return true;
  }

  /**
   * Starts the close handshake once the messages already queued were written; the end is
   * reported when the server answers. Aborts instead when the connection is not open yet.
   */
  void close(int code, String reason) {
    WebSocket ws = socket;
    SendQueue q = queue;
    if (ws == null || q == null) {
      abort(code, reason);
      return;
    }
    closeSent = true;
    q.finish(() -> ws.sendClose(code, reason));
    // The server's answering close is delivered only against demand; what comes before it is dropped.
    ws.request(Long.MAX_VALUE);
  }

  /** Waits up to {@code timeout} for the end to be reported; true if it was. */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    return endedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Ends the link at once: reports the end (if nothing did yet), drops the TCP connection. */
  void abort(int code, String reason) {
    end(code, reason, false);
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
    CompletableFuture<WebSocket> future = opening;
    if (future != null) {
      future.cancel(true); // closes the TCP connection of an upgrade still under way
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    socket = webSocket;
    queue = new SendQueue(webSocket, maxQueuedChars);
    if (ended.get()) {
      webSocket.abort(); // aborted while the upgrade was under way
      return;
    }
    events.opened(this);
    webSocket.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    heard = true;
    if (ended.get() || closeSent) {
      return null;
    }
    if ((long) partial.length() + data.length() > maxMessageChars) {
      abort(MESSAGE_TOO_BIG, "message too big: over " + maxMessageChars + " characters");
      return null;
    }
    if (!last) {
      partial.append(data);
      webSocket.request(1);
      return null;
    }
    String text;
    if (partial.length() == 0) {
      text = data.toString();
    } else {
      text = partial.append(data).toString();
      partial = new StringBuilder(); // a large message's buffer is not kept for the next
    }
    events.received(this, text);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    heard = true;
    webSocket.request(1); // the server sends text only: a binary frame is not ours to read
    return null;
  }

  @Override
  public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
    heard = true; // the JDK answers with a pong itself
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
    heard = true;
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    // The JDK answers the server's close itself; after our own close, this is the server's answer.
    end(statusCode, reason, !closeSent);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    end(ABNORMAL, describe(error), true);
  }

  private void end(int code, String reason, boolean remote) {
    if (ended.compareAndSet(false, true)) {
      SendQueue q = queue;
      if (q != null) {
        q.close();
      }
      events.ended(this, code, reason == null ? "" : reason, remote);
      endedLatch.countDown();
    }
  }

  /** What went wrong, in words an application can log: the HTTP status of a refused upgrade, say. */
  static String describe(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause.getClass() == RuntimeException.class)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof WebSocketHandshakeException handshake) {
      return "upgrade refused: HTTP " + handshake.getResponse().statusCode();
    }
    if (cause instanceof CancellationException) {
      return "cancelled";
    }
    String message = cause.getMessage();
    String kind = cause instanceof HttpTimeoutException ? "timed out" : cause.getClass().getSimpleName();
    return message == null || message.isEmpty() ? kind : kind + ": " + message;
  }
}
