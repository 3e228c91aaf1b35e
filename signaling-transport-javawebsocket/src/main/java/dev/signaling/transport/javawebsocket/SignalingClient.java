package dev.signaling.transport.javawebsocket;

import com.google.gson.JsonParser;
import dev.signaling.core.Participant;
import dev.signaling.transport.javawebsocket.ClientCodec.Heartbeat;
import dev.signaling.transport.javawebsocket.ClientCodec.ParticipantList;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLSocketFactory;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ServerHandshake;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the signaling protocol on Java-WebSocket: it connects to a {@code ws://} or {@code
 * wss://} server, registers, turns what the server sends into typed callbacks, and reconnects
 * with exponential backoff (registering again) when the connection is lost.
 *
 * <pre>{@code
 * try (SignalingClient client = SignalingClient.builder(URI.create("ws://127.0.0.1:3001"), "a", "alice")
 *     .listener(new SignalingClient.Listener() {
 *       @Override public void onSignal(SignalingClient c, SignalingClient.Signal s) {
 *         System.out.println(s.from() + " sent " + s.payloadJson());
 *       }
 *     })
 *     .heartbeatInterval(Duration.ofSeconds(15))
 *     .connect()) {                           // returns at once; connects in the background
 *   client.sendSignal("b", "{\"type\":\"offer\",\"sdp\":\"...\"}");
 * }
 * }</pre>
 *
 * <p><b>Lifecycle.</b> {@link Builder#connect()} returns at once and connects in the background.
 * When a connection opens, the client sends {@code register} before anything else, then calls
 * {@link Listener#onConnected}. When a connection ends (or cannot be opened), it calls {@link
 * Listener#onDisconnected} and, unless reconnection is off, tries again after the {@link Backoff}
 * delay; after a successful registration the backoff starts again from its initial delay. It does
 * not reconnect after a close with {@code 4001} (another connection registered the same nodeId:
 * reconnecting would take it back, and the two would replace each other forever). {@link
 * #close()} ends everything; {@link Listener#onClosed} is the last callback, exactly once.
 *
 * <p><b>Threading.</b> Every callback runs on the client's own event thread (one per client,
 * from the builder's {@link ThreadFactory}), one at a time and in the order the events happened,
 * never concurrently. Callbacks may call every method of the client, {@link #close()} included.
 * Messages wait in an unbounded queue while a callback runs, so callbacks should return quickly.
 *
 * <p><b>Sending.</b> The {@code send} methods never block: they hand the message to the open
 * connection and return {@code true}, or return {@code false} when there is no registered
 * connection (connecting, reconnecting, closed) or when more than {@value #MAX_QUEUED_BYTES}
 * bytes already wait unsent. Nothing is kept for a later connection: signaling messages are
 * about the present. Thread-safe.
 */
public final class SignalingClient implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SignalingClient.class);

  /** Bytes that may wait unsent in the connection before {@code send} refuses more. */
  public static final long MAX_QUEUED_BYTES = 16L * 1024 * 1024;

  /** How long {@link #close()} waits for each step: the close handshake, then the threads. */
  private static final long CLOSE_WAIT_MILLIS = 2_000;

  /** How often {@link #close()} looks for the socket of a connection that is still being opened. */
  private static final long SOCKET_CLOSE_RETRY_MILLIS = 20;

  /** Seconds between WebSocket pings that detect a dead server, as the server does for clients. */
  private static final int PING_INTERVAL_SECONDS = 30;

  private static final AtomicInteger CLIENT_NUMBERS = new AtomicInteger();

  private final URI uri;
  private final String nodeId;
  private final String register;
  private final Listener listener;
  private final Backoff backoff;
  private final Duration connectTimeout;
  private final SSLSocketFactory sslSocketFactory;
  private final DoubleSupplier jitter;
  private final ScheduledThreadPoolExecutor events;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Connection current;
  private volatile List<Participant> participants = List.of();
  private volatile Thread eventThread;

  // Event thread only.
  private int failedAttempts;
  private boolean terminated;

  private SignalingClient(Builder b) {
    this.uri = b.uri;
    this.nodeId = b.nodeId;
    this.register = ClientCodec.register(b.nodeId, b.username, b.publicKey, b.encryptionKey);
    this.listener = b.listener;
    this.backoff = b.backoff;
    this.connectTimeout = b.connectTimeout;
    this.sslSocketFactory = b.sslSocketFactory;
    this.jitter = b.jitter;
    ThreadFactory threads = b.threadFactory != null ? b.threadFactory : defaultThreads(b.nodeId);
    this.events = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = threads.newThread(runnable);
      eventThread = thread;
      return thread;
    });
    // close() shuts the executor down: a pending reconnect or heartbeat must not run after it.
    events.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    events.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    events.setRemoveOnCancelPolicy(true);
    events.execute(this::openConnection);
    if (!b.heartbeatInterval.isZero()) {
      long nanos = b.heartbeatInterval.toNanos();
      events.scheduleAtFixedRate(this::sendHeartbeat, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * A builder for a client of the server at {@code uri} that registers as {@code nodeId} with
   * {@code username}.
   *
   * @param nodeId the node's id
   * @param username the node's user name
   * @param uri the server, {@code ws://host:port/path} or {@code wss://...}
   * @return a builder for a client of the server at {@code uri} that registers as {@code nodeId} with {@code username}
   * @throws IllegalArgumentException if the URI is not {@code ws}/{@code wss} with a host, or an
   *     id is empty
   */
  public static Builder builder(URI uri, String nodeId, String username) {
    return new Builder(uri, nodeId, username);
  }

  /**
   * The nodeId this client registers as.
   *
   * @return the nodeId this client registers as
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * The server this client connects to.
   *
   * @return the server this client connects to
   */
  public URI uri() {
    return uri;
  }

  /**
   * Whether a connection is open and this client's {@code register} was sent on it.
   *
   * @return whether a connection is open and this client's {@code register} was sent on it
   */
  public boolean isConnected() {
    Connection c = current;
    return c != null && c.registerSent && c.isOpen() && !closed.get();
  }

  /**
   * The last {@code participants} list received on the current connection, in registration
   * order; empty while disconnected. Entries have {@code publicKey} {@code ""}: the protocol's
   * {@code participants} message does not carry it ({@link Presence} does).
   *
   * @return the last {@code participants} list received on the current connection, in registration order
   */
  public List<Participant> participants() {
    return participants;
  }

  /**
   * Sends a {@code signal} to {@code to} with {@code payloadJson} as its payload, character for
   * character (the server forwards it verbatim).
   *
   * @param to the target's nodeId
   * @param payloadJson one JSON value: an object, array, string literal, number, ...
   * @return whether the message was handed to the connection (see the class comment)
   * @throws IllegalArgumentException if {@code payloadJson} is not exactly one valid JSON value
   */
  public boolean sendSignal(String to, String payloadJson) {
    requireNonEmpty(to, "to");
    Objects.requireNonNull(payloadJson, "payloadJson");
    return send(ClientCodec.signal(nodeId, to, payloadJson));
  }

  /**
   * Sends a {@code signal} to {@code to} whose payload is the JSON string {@code text}; the peer
   * reads it back with {@link Signal#payloadAsString()}.
   *
   * @param text the message's text
   * @param to the target's nodeId
   * @return whether the message was handed to the connection (see the class comment)
   */
  public boolean sendSignalString(String to, String text) {
    Objects.requireNonNull(text, "text");
    return sendSignal(to, ClientCodec.stringLiteral(text));
  }

  /**
   * Sends a {@code heartbeat}; the server passes it to every other registered node.
   *
   * @return whether the message was handed to the connection (see the class comment)
   */
  public boolean sendHeartbeat() {
    return send(ClientCodec.heartbeat());
  }

  /**
   * Sends a {@code role-assign} giving {@code roles} to {@code nodeId}; the server broadcasts it
   * to every registered node, this one included.
   *
   * @param nodeId the node's id
   * @param roles the roles
   * @return whether the message was handed to the connection (see the class comment)
   */
  public boolean sendRoleAssign(String nodeId, List<String> roles) {
    requireNonEmpty(nodeId, "nodeId");
    List<String> copy = List.copyOf(roles);
    return send(ClientCodec.roleAssign(nodeId, copy));
  }

  /**
   * Closes the connection with {@code 1000}, stops reconnecting and heartbeats, delivers the
   * remaining callbacks ending with {@link Listener#onClosed}, and stops the client's threads.
   * Idempotent. Returns within a few seconds at most; called from outside a callback, it returns
   * once the event thread has ended.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      Connection connection = current;
      if (connection != null) {
        connection.shutDown();
      }
      post(this::terminate);
      events.shutdown();
    }
    if (Thread.currentThread() != eventThread) {
      try {
        if (!events.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
          log.warn("Client {}: a callback still runs after close(); not waiting for it", nodeId);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return "SignalingClient[" + nodeId + " @ " + uri + ']';
  }

  // ------------------------------------------------------------------ event thread

  private void openConnection() {
    if (closed.get()) {
      return;
    }
    Connection connection = new Connection(uri, connectTimeout);
    current = connection;
    // close() sets closed before reading current, this method the other way round: one of the
    // two sees the other, so a connection made during close() is never left open.
    if (closed.get()) {
      current = null;
      return;
    }
    connection.connect();
  }

  private void opened(Connection connection) {
    if (connection == current) {
      deliver(() -> listener.onConnected(this));
    }
  }

  private void received(Connection connection, String text) {
    if (connection != current) {
      return; // a late message of a connection already replaced
    }
    Object message = ClientCodec.decode(text);
    if (message instanceof ParticipantList list) {
      participants = list.participants();
      if (list.participants().stream().anyMatch(p -> p.nodeId().equals(nodeId))) {
        failedAttempts = 0; // registered: the next loss starts the backoff again
      }
      deliver(() -> listener.onParticipants(this, list.participants()));
    } else if (message instanceof Presence presence) {
      deliver(() -> listener.onPresence(this, presence));
    } else if (message instanceof Heartbeat heartbeat) {
      deliver(() -> listener.onHeartbeat(this, heartbeat.from()));
    } else if (message instanceof RoleAssignment assignment) {
      deliver(() -> listener.onRoleAssign(this, assignment));
    } else if (message instanceof Signal signal) {
      deliver(() -> listener.onSignal(this, signal));
    } else if (message instanceof ServerError error) {
      deliver(() -> listener.onError(this, error));
    } else {
      // A newer server may send types this client does not know; they are not errors.
      log.debug("Client {}: ignoring message {}", nodeId, text);
    }
  }

  private void connectionEnded(Connection connection, int code, String reason, boolean remote) {
    if (connection != current) {
      return;
    }
    current = null;
    participants = List.of();
    if (closed.get()) {
      deliver(() -> listener.onDisconnected(this, new Disconnect(code, reason, remote, null)));
      return;
    }
    if (backoff == null || code == 4001) {
      deliver(() -> listener.onDisconnected(this, new Disconnect(code, reason, remote, null)));
      if (closed.compareAndSet(false, true)) {
        terminate();
        events.shutdown();
      }
      return;
    }
    Duration delay = backoff.delay(failedAttempts, jitter.getAsDouble());
    failedAttempts = Math.min(failedAttempts + 1, 1_000); // the delay is capped long before
    deliver(() -> listener.onDisconnected(this, new Disconnect(code, reason, remote, delay)));
    events.schedule(this::openConnection, delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void terminate() {
    deliver(() -> listener.onClosed(this));
    terminated = true;
  }

  private void deliver(Runnable callback) {
    if (terminated) {
      return;
    }
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.error("Client {}: a listener callback threw; ignored", nodeId, e);
    }
  }

  private void post(Runnable task) {
    try {
      events.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed: nothing more is delivered.
    }
  }

  // ------------------------------------------------------------------ any thread

  private boolean send(String text) {
    Connection connection = current;
    if (connection == null || !connection.registerSent || closed.get()) {
      return false;
    }
    return connection.sendIfRoom(text);
  }

  private static ThreadFactory defaultThreads(String nodeId) {
    int number = CLIENT_NUMBERS.incrementAndGet();
    return runnable -> {
      Thread thread = new Thread(runnable, "signaling-client-" + number + "-" + nodeId);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static String requireNonEmpty(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  /**
   * One WebSocket connection attempt. Java-WebSocket calls it on the connection's own reader
   * thread; everything that touches the client's state is posted to the event thread.
   */
  private final class Connection extends WebSocketClient {
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile boolean registerSent;
    private volatile Exception lastError;

    Connection(URI server, Duration connectTimeout) {
      super(server, new Draft_6455(), null, (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
      setDaemon(true);
      setTcpNoDelay(true);
      setConnectionLostTimeout(PING_INTERVAL_SECONDS);
      if (sslSocketFactory != null && "wss".equals(server.getScheme())) {
        setSocketFactory(sslSocketFactory);
      }
    }

    @Override
    public void onOpen(ServerHandshake handshake) {
      if (closed.get()) {
        close(CloseFrame.NORMAL, "client closed");
        return;
      }
      // Sent here, before the client can see the connection as usable, so that register is
      // always the first message on it.
      try {
        send(register);
        registerSent = true;
      } catch (WebsocketNotConnectedException e) {
        return; // already closing; onClose follows
      }
      post(() -> opened(this));
    }

    @Override
    public void onMessage(String message) {
      post(() -> received(this, message));
    }

    @Override
    public void onMessage(ByteBuffer bytes) {
      // The server only sends text; decode a binary frame the way the server treats one.
      String text = StandardCharsets.UTF_8.decode(bytes).toString();
      post(() -> received(this, text));
    }

    @Override
    public void onClose(int code, String reason, boolean remote) {
      registerSent = false;
      // The error is read on the event thread, a little later: Java-WebSocket's reader and writer
      // threads both fail on a broken connection, and the one with the telling error (a TLS
      // handshake failure, say) may report it just after the other reported the close.
      post(() -> connectionEnded(this, code, reason == null || reason.isEmpty() ? lastErrorText() : reason, remote));
      ended.countDown();
    }

    private String lastErrorText() {
      Exception error = lastError;
      if (error == null) {
        return "";
      }
      return error.getMessage() != null ? error.getMessage() : error.getClass().getSimpleName();
    }

    @Override
    public void onError(Exception ex) {
      lastError = ex;
      log.debug("Client {}: connection error", nodeId, ex);
    }

    boolean sendIfRoom(String text) {
      if (queuedBytes() > MAX_QUEUED_BYTES) {
        return false;
      }
      try {
        send(text);
        return true;
      } catch (WebsocketNotConnectedException e) {
        return false;
      }
    }

    private long queuedBytes() {
      long bytes = 0;
      for (ByteBuffer frame : ((WebSocketImpl) getConnection()).outQueue) {
        bytes += frame.remaining();
      }
      return bytes;
    }

    /**
     * Closes with 1000 and waits (bounded) for the close handshake; when the connection is not
     * open yet, or the server does not answer, closes the TCP socket instead.
     */
    void shutDown() {
      try {
        if (isOpen()) {
          close(CloseFrame.NORMAL, "client closed");
          if (ended.await(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
            return;
          }
        }
        // Not closeConnection(): called while the reader thread is between its TCP connect and
        // starting its writer thread, it lets that writer start after the close and block
        // forever. A closed socket makes the reader fail and end both threads itself. The reader
        // creates its socket only once it runs, hence the retries.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
        do {
          Socket socket = getSocket();
          if (socket != null) {
            try {
              socket.close();
            } catch (IOException e) {
              log.debug("Client {}: closing the socket failed", nodeId, e);
            }
          }
        } while (!ended.await(SOCKET_CLOSE_RETRY_MILLIS, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ------------------------------------------------------------------ public types

  /**
   * What a {@link SignalingClient} reports. Every method has a no-op default. All run on the
   * client's event thread, one at a time, in order (see the class comment); an exception thrown
   * by one is logged and ignored.
   */
  public interface Listener {

    /**
     * A connection opened and this client's {@code register} was sent on it.
     *
     * @param client the client
     */
    default void onConnected(SignalingClient client) {}

    /**
     * A {@code participants} list: every registered node in registration order, this one included
     * once it is registered. Entries have {@code publicKey} {@code ""}: the message does not carry
     * it.
     *
     * @param client the client
     * @param participants the participants
     */
    default void onParticipants(SignalingClient client, List<Participant> participants) {}

    /**
     * Another node joined or left.
     *
     * @param client the client
     * @param presence the presence message
     */
    default void onPresence(SignalingClient client, Presence presence) {}

    /**
     * Another node sent a {@code heartbeat}.
     *
     * @param client the client
     * @param from the sender's nodeId
     */
    default void onHeartbeat(SignalingClient client, String from) {}

    /**
     * Some node (this one included) assigned roles.
     *
     * @param assignment the role assignment
     * @param client the client
     */
    default void onRoleAssign(SignalingClient client, RoleAssignment assignment) {}

    /**
     * A {@code signal} addressed to this node.
     *
     * @param client the client
     * @param signal the signal
     */
    default void onSignal(SignalingClient client, Signal signal) {}

    /**
     * The server answered something with an {@code error}. The connection stays open.
     *
     * @param client the client
     * @param error the error text
     */
    default void onError(SignalingClient client, ServerError error) {}

    /**
     * A connection ended, or could not be opened. {@link Disconnect#reconnectDelay()} says
     * whether and when the client tries again.
     *
     * @param client the client
     * @param disconnect the disconnection
     */
    default void onDisconnected(SignalingClient client, Disconnect disconnect) {}

    /**
     * The client stopped for good: the last callback, called exactly once.
     *
     * @param client the client
     */
    default void onClosed(SignalingClient client) {}
  }

  /**
   * A {@code presence} message: another node joined or left.
   *
   * @param action {@link Action#JOIN} or {@link Action#LEAVE}
   * @param participant the node, with the {@code publicKey} it registered with ({@code ""} when none)
   */
  public record Presence(Action action, Participant participant) {

    /**
     * Checks that both parts are present.
     *
     * @param action {@link Action#JOIN} or {@link Action#LEAVE}
     * @param participant the node, with the {@code publicKey} it registered with ({@code ""} when none)
     */
    public Presence {
      Objects.requireNonNull(action, "action");
      Objects.requireNonNull(participant, "participant");
    }

    /** What happened to the node. */
    public enum Action {
      /** The node registered. */
      JOIN,
      /** The node's connection closed, or it registered under another nodeId. */
      LEAVE
    }
  }

  /**
   * A {@code role-assign} message.
   *
   * @param nodeId the node the roles are for
   * @param roles the roles, immutable
   * @param from the node that assigned them
   */
  public record RoleAssignment(String nodeId, List<String> roles, String from) {

    /**
     * Copies the roles; checks that every part is present.
     *
     * @param nodeId the node the roles are for
     * @param roles the roles, immutable
     * @param from the node that assigned them
     */
    public RoleAssignment {
      Objects.requireNonNull(nodeId, "nodeId");
      roles = List.copyOf(roles);
      Objects.requireNonNull(from, "from");
    }
  }

  /**
   * A {@code signal} message addressed to this node.
   *
   * @param from the sender's nodeId
   * @param to this node's nodeId
   * @param payloadJson the payload's JSON text exactly as the sender wrote it, or {@code null}
   *     when the message has no payload
   * @param message the whole message exactly as received
   */
  public record Signal(String from, String to, String payloadJson, String message) {

    /**
     * Checks that the required parts are present.
     *
     * @param from the sender's nodeId
     * @param to this node's nodeId
     * @param payloadJson the payload's JSON text exactly as the sender wrote it, or {@code null}
     *     when the message has no payload
     * @param message the whole message exactly as received
     */
    public Signal {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(message, "message");
    }

    /**
     * The payload decoded as a string, when it is a JSON string (see {@link SignalingClient#sendSignalString}).
     *
     * @return the payload decoded as a string, when it is a JSON string (see {@link SignalingClient#sendSignalString})
     */
    public Optional<String> payloadAsString() {
      if (payloadJson == null || !payloadJson.startsWith("\"")) {
        return Optional.empty();
      }
      return Optional.of(JsonParser.parseString(payloadJson).getAsString());
    }
  }

  /**
   * An {@code error} message from the server.
   *
   * @param error the error text, e.g. {@code "peer not found"} (see the protocol's list)
   * @param to the nodeId a refused signal was for ({@code peer not found}), else {@code null}
   */
  public record ServerError(String error, String to) {

    /**
     * Checks that the text is present.
     *
     * @param error the error text, e.g. {@code "peer not found"} (see the protocol's list)
     * @param to the nodeId a refused signal was for ({@code peer not found}), else {@code null}
     */
    public ServerError {
      Objects.requireNonNull(error, "error");
    }
  }

  /**
   * The end of one connection.
   *
   * @param code the WebSocket close code; {@code -1} when the connection could not be opened at
   *     all, {@code 1006} when it was lost without a close frame
   * @param reason the close reason; for a connection that failed without one, what went wrong
   *     when the library reported it in time (say, a TLS certificate that is not trusted); else
   *     empty
   * @param remote whether the server (or the network) ended it, rather than this client
   * @param reconnectDelay how long the client waits before it tries again, or {@code null} when
   *     it will not (closed, replaced with {@code 4001}, or reconnection off)
   */
  public record Disconnect(int code, String reason, boolean remote, Duration reconnectDelay) {

    /**
     * Checks that the reason is present.
     *
     * @param code the WebSocket close code; {@code -1} when the connection could not be opened at
     *     all, {@code 1006} when it was lost without a close frame
     * @param reason the close reason; for a connection that failed without one, what went wrong
     *     when the library reported it in time (say, a TLS certificate that is not trusted); else
     *     empty
     * @param remote whether the server (or the network) ended it, rather than this client
     * @param reconnectDelay how long the client waits before it tries again, or {@code null} when
     *     it will not (closed, replaced with {@code 4001}, or reconnection off)
     */
    public Disconnect {
      Objects.requireNonNull(reason, "reason");
    }

    /**
     * Whether the client will connect again.
     *
     * @return whether the client will connect again
     */
    public boolean willReconnect() {
      return reconnectDelay != null;
    }
  }

  /**
   * Exponential backoff with jitter, capped: the delay before reconnection attempt {@code n}
   * (from 0) is {@code min(max, initial * multiplier^n)}, reduced by a random fraction of at most
   * {@code jitter} of itself, so that clients that lost the same server do not all return at the
   * same instant. It never exceeds {@code max}.
   *
   * @param initial the delay before the first attempt
   * @param max the cap
   * @param multiplier the growth per failed attempt, at least 1
   * @param jitter the largest fraction taken off at random, from 0 (none) to 1
   */
  public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

    /** Half a second, doubling up to 30 seconds, with up to half of each delay taken off at random. */
    public static final Backoff DEFAULT = exponential(Duration.ofMillis(500), Duration.ofSeconds(30));

    /**
     * Checks the values.
     *
     * @param initial the delay before the first attempt
     * @param max the cap
     * @param multiplier the growth per failed attempt, at least 1
     * @param jitter the largest fraction taken off at random, from 0 (none) to 1
     */
    public Backoff {
      Objects.requireNonNull(initial, "initial");
      Objects.requireNonNull(max, "max");
      if (initial.isNegative() || initial.isZero()) {
        throw new IllegalArgumentException("initial must be positive: " + initial);
      }
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("max must be at least initial: " + max + " < " + initial);
      }
      if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
        throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
      }
      if (!(jitter >= 0 && jitter <= 1)) {
        throw new IllegalArgumentException("jitter must be in 0..1: " + jitter);
      }
    }

    /**
     * Doubling from {@code initial} up to {@code max}, jitter 0.5.
     *
     * @param initial the first delay
     * @param max the longest delay
     * @return a backoff doubling from {@code initial} up to {@code max}, jitter 0.5
     */
    public static Backoff exponential(Duration initial, Duration max) {
      return new Backoff(initial, max, 2, 0.5);
    }

    /**
     * The delay before attempt {@code attempt} (0 for the first).
     *
     * @param attempt the attempt, from 1
     * @param random a value in {@code [0, 1)} that picks the jitter
     * @return the delay before attempt {@code attempt} (0 for the first)
     */
    public Duration delay(int attempt, double random) {
      if (attempt < 0) {
        throw new IllegalArgumentException("attempt must not be negative: " + attempt);
      }
      double maxNanos = max.toNanos();
      double base = Math.min(maxNanos, initial.toNanos() * Math.pow(multiplier, attempt));
      double jittered = base * (1 - jitter * Math.min(Math.max(random, 0), 1));
      return Duration.ofNanos(Math.max(1, (long) jittered));
    }
  }

  /** Configures and connects a {@link SignalingClient}. Not thread-safe; reusable. */
  public static final class Builder {
    private final URI uri;
    private final String nodeId;
    private final String username;
    private String publicKey;
    private String encryptionKey;
    private Listener listener = new Listener() {};
    private Backoff backoff = Backoff.DEFAULT;
    private Duration heartbeatInterval = Duration.ZERO;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private SSLSocketFactory sslSocketFactory;
    private ThreadFactory threadFactory;
    private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

    private Builder(URI uri, String nodeId, String username) {
      Objects.requireNonNull(uri, "uri");
      String scheme = uri.getScheme();
      if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
        throw new IllegalArgumentException("uri must be ws:// or wss://: " + uri);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("uri has no host: " + uri);
      }
      this.uri = URI.create(scheme.toLowerCase(Locale.ROOT) + uri.toString().substring(scheme.length()));
      this.nodeId = requireNonEmpty(nodeId, "nodeId");
      this.username = requireNonEmpty(username, "username");
    }

    /**
     * The {@code publicKey} to register with. Default: none.
     *
     * @param publicKey the node's public key
     * @return this builder
     */
    public Builder publicKey(String publicKey) {
      this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
      return this;
    }

    /**
     * The {@code encryptionKey} to register with. Default: none.
     *
     * @param encryptionKey the node's encryption key
     * @return this builder
     */
    public Builder encryptionKey(String encryptionKey) {
      this.encryptionKey = Objects.requireNonNull(encryptionKey, "encryptionKey");
      return this;
    }

    /**
     * Who hears what the client receives. Default: a listener that ignores everything.
     *
     * @param listener the listener to call
     * @return this builder
     */
    public Builder listener(Listener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Sends a {@code heartbeat} at this interval while registered. Default {@link Duration#ZERO}:
     * no automatic heartbeat.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder heartbeatInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("interval must not be negative: " + interval);
      }
      this.heartbeatInterval = interval;
      return this;
    }

    /**
     * How reconnection waits between attempts. Default {@link Backoff#DEFAULT}.
     *
     * @param backoff the backoff
     * @return this builder
     */
    public Builder reconnect(Backoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /**
     * No reconnection: the first lost (or failed) connection closes the client.
     *
     * @return this builder
     */
    public Builder noReconnect() {
      this.backoff = null;
      return this;
    }

    /**
     * How long opening the TCP connection may take. Default 10 seconds.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.connectTimeout = timeout;
      return this;
    }

    /**
     * The TLS sockets for {@code wss://}, e.g. from an {@code SSLContext} that trusts a private
     * CA. Default: the JDK's default. The host name is always verified.
     *
     * @param factory the socket factory
     * @return this builder
     */
    public Builder sslSocketFactory(SSLSocketFactory factory) {
      this.sslSocketFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Makes the client's event thread. Default: a daemon thread named {@code
     * signaling-client-<n>-<nodeId>}.
     *
     * @param factory the socket factory
     * @return this builder
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Where the backoff's jitter comes from (tests make it predictable). */
    Builder jitterSource(DoubleSupplier source) {
      this.jitter = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Starts the client; returns at once, the connection opens in the background.
     *
     * @return the client, connecting in the background
     */
    public SignalingClient connect() {
      return new SignalingClient(this);
    }
  }
}
