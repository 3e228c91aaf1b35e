package dev.signaling.testkit.transport.attack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A well-behaved client of the signaling server, on the JDK's WebSocket client: it reads
 * everything, answers pings (the JDK does; {@link #pings()} counts them), and registers under a
 * nodeId, signed when the server checks {@link Ed25519Identity Ed25519} proofs. A test waits for
 * the messages it expects with a timeout, skipping others (the {@code presence} and {@code
 * participants} an attack may cause).
 */
public final class HonestClient implements AutoCloseable {

  private final String nodeId;
  private final WebSocket socket;
  private final BlockingQueue<String> messages;
  private final List<String> history;
  private final CompletableFuture<Integer> closed;
  private final AtomicInteger pings;

  private HonestClient(String nodeId, WebSocket socket, BlockingQueue<String> messages, List<String> history,
      CompletableFuture<Integer> closed, AtomicInteger pings) {
    this.nodeId = nodeId;
    this.socket = socket;
    this.messages = messages;
    this.history = history;
    this.closed = closed;
    this.pings = pings;
  }

  /** Connects and registers as {@code nodeId}; returns once the server listed it in {@code participants}. */
  public static HonestClient register(URI uri, String nodeId, Duration timeout) throws Exception {
    return connect(uri, nodeId,
        "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + nodeId + "\"}", timeout);
  }

  /** Connects and registers with a fresh signature of {@code identity}, as {@link #register(URI, String, Duration)}. */
  public static HonestClient register(URI uri, Ed25519Identity identity, String username, Duration timeout)
      throws Exception {
    return connect(uri, identity.nodeId(), identity.register(username), timeout);
  }

  /**
   * Connects, sends {@code register} and returns once the server listed {@code nodeId} in {@code
   * participants}.
   *
   * @throws AssertionError if an error comes first (the register was refused), or nothing in time
   */
  private static HonestClient connect(URI uri, String nodeId, String register, Duration timeout) throws Exception {
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    List<String> history = new CopyOnWriteArrayList<>();
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    AtomicInteger pings = new AtomicInteger();
    WebSocket.Listener listener = new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          history.add(partial.toString());
          messages.add(partial.toString());
          partial.setLength(0);
        }
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
        pings.incrementAndGet(); // the JDK answers it with a pong of the same payload
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        closed.complete(-1);
      }
    };
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .connectTimeout(timeout)
        .buildAsync(uri, listener)
        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    HonestClient client = new HonestClient(nodeId, socket, messages, history, closed, pings);
    client.send(register);
    String answer = client.await(m -> m.startsWith("{\"type\":\"error\"")
        || (m.startsWith("{\"type\":\"participants\"") && m.contains("\"" + nodeId + "\"")), timeout);
    if (answer.startsWith("{\"type\":\"error\"")) {
      client.close();
      throw new AssertionError(nodeId + ": the register was refused: " + answer);
    }
    return client;
  }

  /** This client's nodeId. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Sends one text message.
   *
   * @throws AssertionError if the connection is closed
   */
  public void send(String text) throws Exception {
    try {
      socket.sendText(text, true).get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError(nodeId + " could not send (closed by the server with " + closed.getNow(null) + "): "
          + e.getCause(), e);
    }
  }

  /**
   * Waits for the first message that matches, dropping the others before it.
   *
   * @throws AssertionError naming what was awaited, if none comes in time or the connection closed
   */
  public String await(Predicate<String> expected, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    java.util.ArrayDeque<String> skipped = new java.util.ArrayDeque<>();
    while (true) {
      if (closed.isDone()) {
        throw new AssertionError(nodeId + " was closed by the server with " + closed.getNow(null));
      }
      String m = messages.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (m == null) {
        throw new AssertionError(nodeId + ": no expected message within " + timeout + "; the last ones: " + skipped);
      }
      if (expected.test(m)) {
        return m;
      }
      skipped.add(m.length() > 200 ? m.substring(0, 200) + "..." : m);
      if (skipped.size() > 5) {
        skipped.poll();
      }
    }
  }

  /**
   * The messages received so far, awaited or not, that match {@code filter} (for conditions that
   * must not take messages from {@link #await}).
   */
  public List<String> received(Predicate<String> filter) {
    return history.stream().filter(filter).toList();
  }

  /** Pings received from the server so far (each answered). */
  public int pings() {
    return pings.get();
  }

  /** The close code the server sent, or {@code null} while open ({@code -1}: the connection failed). */
  public Integer closeCode() {
    return closed.getNow(null);
  }

  @Override
  public void close() {
    socket.abort();
  }
}
