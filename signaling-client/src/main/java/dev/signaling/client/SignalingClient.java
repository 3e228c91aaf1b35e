package dev.signaling.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A client of the signaling protocol: it connects to a {@code ws://} or {@code wss://} server,
 * registers, turns what the server sends into typed callbacks, and reconnects with backoff
 * (registering again) when the connection is lost. It runs on the JDK's own {@link
 * java.net.http.WebSocket}: no WebSocket library and no server code on the classpath.
 *
 * <pre>{@code
 * try (SignalingClient client = SignalingClient.builder(URI.create("ws://127.0.0.1:3001"), "a", "alice")
 *     .listener(new SignalingClient.Listener() {
 *       @Override public void onSignal(SignalingClient c, Signal s) { System.out.println(s.payloadJson()); }
 *     })
 *     .connect()) {                                      // returns at once
 *   if (client.awaitRegistered(Duration.ofSeconds(10))) {  // the server listed this node
 *     client.sendSignal("b", "{\"type\":\"offer\",\"sdp\":\"...\"}");
 *   }
 * }
 * }</pre>
 *
 * <p><b>States.</b> {@link #state()}: {@link ClientState#CONNECTING}, then {@code REGISTERING}
 * once the WebSocket is open and the {@code register} sent, then {@code REGISTERED} when the
 * server's first {@code participants} list that holds this node arrives ({@link
 * Listener#onRegistered}). A refused register ({@link Listener#onRegisterFailed}, with the
 * server's error text) leaves the client not registered: it closes that connection and tries
 * again only when the error is one that a new attempt can change. A lost connection ({@link
 * Listener#onDisconnected}) is tried again after the {@link Backoff} delay, which starts over
 * after each registration; not after a close with {@code 4001} (another connection registered
 * this nodeId). {@link #close()} ends everything; {@link Listener#onClosed} is the last
 * callback, exactly once. {@code docs/client.md} has the table of refusals and retries.
 *
 * <p><b>Threading.</b> Every callback runs on the client's own event thread, one at a time and
 * in the order the events happened. Callbacks may call every method of the client, {@link
 * #close()} included. The client reads the server's next message only when the callback for
 * the previous one returned: a slow callback slows the connection (and a server eventually
 * drops a client that reads too slowly), it does not fill the memory.
 *
 * <p><b>Sending.</b> The {@code send} methods never block: they queue the message on the
 * registered connection and return {@code true}, or return {@code false} when the client is not
 * {@link ClientState#REGISTERED} or when {@value ClientEngine#MAX_QUEUED_CHARS} characters
 * already wait unsent. Nothing is kept for a later connection: signaling messages are about the
 * present. Thread-safe.
 */
public final class SignalingClient implements AutoCloseable {

  /** Characters that may wait unsent on the connection before {@code send} refuses more. */
  public static final long MAX_QUEUED_CHARS = ClientEngine.MAX_QUEUED_CHARS;

  private final String nodeId;
  private final URI uri;
  private final ClientEngine engine;

  SignalingClient(ClientSettings settings, Listener listener) {
    this.nodeId = settings.nodeId();
    this.uri = settings.uri();
    this.engine = new ClientEngine(settings, new Dispatch(listener));
    engine.start();
  }

  /**
   * A builder for a client of the server at {@code uri} that registers as {@code nodeId} with
   * {@code username}.
   *
   * @param uri the server, {@code ws://host:port/path?query} or {@code wss://...}
   * @param nodeId the nodeId to register as
   * @param username the username to register with
   * @return the builder
   * @throws IllegalArgumentException if the URI is not {@code ws}/{@code wss} with a host, or an
   *     id is empty
   */
  public static SignalingClientBuilder builder(URI uri, String nodeId, String username) {
    return new SignalingClientBuilder(uri, nodeId, username);
  }

  /**
   * The nodeId this client registers as.
   *
   * @return the nodeId
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * The server this client connects to, with the builder's query parameters.
   *
   * @return the WebSocket URI
   */
  public URI uri() {
    return uri;
  }

  /**
   * Where the client is now; it may change at once.
   *
   * @return the state
   */
  public ClientState state() {
    return engine.state();
  }

  /**
   * Whether the server lists this node on the current connection, so that sends go out.
   *
   * @return whether the state is {@link ClientState#REGISTERED}
   */
  public boolean isRegistered() {
    return engine.state() == ClientState.REGISTERED;
  }

  /**
   * The last {@code participants} list of the current connection, in registration order; empty
   * while not connected.
   *
   * @return the participants, immutable
   */
  public List<Participant> participants() {
    return engine.participants();
  }

  /**
   * Completes when this client is registered: at once if it is now, else at its next
   * registration. Fails with {@link SignalingClientException} (saying why) when the client stops
   * first. Completed on the event thread: dependent actions that are not {@code async} run there.
   *
   * @return a future of this client
   */
  public CompletableFuture<SignalingClient> whenRegistered() {
    return engine.registration().thenApply(registered -> this);
  }

  /**
   * Waits until this client is registered (see {@link #whenRegistered()}).
   *
   * @param timeout how long to wait at most
   * @return {@code true} once registered; {@code false} when the timeout passed first or the
   *     client stopped ({@link #state()} is then {@link ClientState#CLOSED})
   * @throws InterruptedException if the waiting thread is interrupted
   */
  public boolean awaitRegistered(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    try {
      engine.registration().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return false;
    }
  }

  /**
   * Sends a {@code signal} to {@code to} with {@code payloadJson} as its payload, character for
   * character (the server forwards it verbatim).
   *
   * @param to the target's nodeId
   * @param payloadJson one JSON value: an object, array, string literal, number, ...
   * @return whether the message was queued (see the class comment)
   * @throws IllegalArgumentException if {@code payloadJson} is not exactly one valid JSON value
   */
  public boolean sendSignal(String to, String payloadJson) {
    requireNonEmpty(to, "to");
    Objects.requireNonNull(payloadJson, "payloadJson");
    return engine.send(ClientCodec.signal(nodeId, to, payloadJson));
  }

  /**
   * Sends a {@code signal} to {@code to} whose payload is the JSON string {@code text}; the peer
   * reads it back with {@link Signal#payloadAsString()}.
   *
   * @param to the target's nodeId
   * @param text any text
   * @return whether the message was queued (see the class comment)
   */
  public boolean sendSignalString(String to, String text) {
    Objects.requireNonNull(text, "text");
    return sendSignal(to, ClientCodec.stringLiteral(text));
  }

  /**
   * Sends a {@code heartbeat}; the server passes it to every other registered node.
   *
   * @return whether the message was queued (see the class comment)
   */
  public boolean sendHeartbeat() {
    return engine.send(ClientCodec.heartbeat());
  }

  /**
   * Sends a {@code role-assign} giving {@code roles} to {@code nodeId}; the server passes it to
   * every registered node, this one included.
   *
   * @param nodeId the node the roles are for
   * @param roles the roles
   * @return whether the message was queued (see the class comment)
   */
  public boolean sendRoleAssign(String nodeId, List<String> roles) {
    requireNonEmpty(nodeId, "nodeId");
    return engine.send(ClientCodec.roleAssign(nodeId, List.copyOf(roles)));
  }

  /**
   * Closes the connection with {@code 1000}, stops reconnecting and heartbeats, delivers the
   * remaining callbacks ending with {@link Listener#onClosed}, and stops the client's threads.
   * Idempotent. Returns within a few seconds at most; called from outside a callback, it returns
   * once the event thread has ended.
   */
  @Override
  public void close() {
    engine.close();
  }

  @Override
  public String toString() {
    return "SignalingClient[" + nodeId + " @ " + uri + ", " + state() + ']';
  }

  static String requireNonEmpty(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    return value;
  }

  /** Turns the engine's reports into the listener's typed callbacks, with this client. */
  private final class Dispatch implements ClientEngine.Callbacks, ServerMessage.Visitor<Void> {
    private final Listener listener;

    Dispatch(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void registered() {
      listener.onRegistered(SignalingClient.this);
    }

    @Override
    public void registerFailed(RegisterRefusal refusal) {
      listener.onRegisterFailed(SignalingClient.this, refusal);
    }

    @Override
    public void message(ServerMessage message) {
      message.accept(this);
    }

    @Override
    public void disconnected(Disconnect disconnect) {
      listener.onDisconnected(SignalingClient.this, disconnect);
    }

    @Override
    public void closed() {
      listener.onClosed(SignalingClient.this);
    }

    @Override
    public Void participants(ParticipantList message) {
      listener.onParticipants(SignalingClient.this, message.participants());
      return null;
    }

    @Override
    public Void presence(Presence message) {
      listener.onPresence(SignalingClient.this, message);
      return null;
    }

    @Override
    public Void heartbeat(Heartbeat message) {
      listener.onHeartbeat(SignalingClient.this, message.from());
      return null;
    }

    @Override
    public Void roleAssign(RoleAssignment message) {
      listener.onRoleAssign(SignalingClient.this, message);
      return null;
    }

    @Override
    public Void signal(Signal message) {
      listener.onSignal(SignalingClient.this, message);
      return null;
    }

    @Override
    public Void error(ServerError message) {
      listener.onError(SignalingClient.this, message);
      return null;
    }
  }

  /**
   * What a {@link SignalingClient} reports. Every method has a no-op default. All run on the
   * client's event thread, one at a time, in order (see the class comment); an exception thrown
   * by one is logged and ignored.
   */
  public interface Listener {

    /**
     * The server listed this node in a {@code participants} list: registered on this connection,
     * so sends go out. {@link #onParticipants} follows with that list.
     *
     * @param client this client
     */
    default void onRegistered(SignalingClient client) {}

    /**
     * The server refused the register with an error; {@link #onDisconnected} follows, and says
     * whether and when the client tries again.
     *
     * @param client this client
     * @param refusal the error text, and whether the client tries again
     */
    default void onRegisterFailed(SignalingClient client, RegisterRefusal refusal) {}

    /**
     * A {@code participants} list: every registered node in registration order.
     *
     * @param client this client
     * @param participants the nodes, immutable
     */
    default void onParticipants(SignalingClient client, List<Participant> participants) {}

    /**
     * Another node joined or left.
     *
     * @param client this client
     * @param presence who joined or left
     */
    default void onPresence(SignalingClient client, Presence presence) {}

    /**
     * Another node sent a {@code heartbeat}.
     *
     * @param client this client
     * @param from the sender's nodeId
     */
    default void onHeartbeat(SignalingClient client, String from) {}

    /**
     * Some node (this one included) assigned roles.
     *
     * @param client this client
     * @param assignment the roles, their node and who assigned them
     */
    default void onRoleAssign(SignalingClient client, RoleAssignment assignment) {}

    /**
     * A {@code signal} addressed to this node.
     *
     * @param client this client
     * @param signal the signal
     */
    default void onSignal(SignalingClient client, Signal signal) {}

    /**
     * The server answered something this registered client sent with an {@code error} (a refused
     * register goes to {@link #onRegisterFailed} instead). The connection stays open, except
     * after {@code "replaced by a newer registration"}, which a close with {@code 4001} follows.
     *
     * @param client this client
     * @param error the error
     */
    default void onError(SignalingClient client, ServerError error) {}

    /**
     * A connection ended, or could not be opened. {@link Disconnect#reconnectDelay()} says
     * whether and when the client tries again.
     *
     * @param client this client
     * @param disconnect how it ended, and whether the client reconnects
     */
    default void onDisconnected(SignalingClient client, Disconnect disconnect) {}

    /**
     * The client stopped for good: the last callback, called exactly once.
     *
     * @param client this client
     */
    default void onClosed(SignalingClient client) {}
  }
}
