package dev.signaling.core;

import java.util.List;

/**
 * Events from the hub to the embedding application. Every method has a no-op default, so an
 * implementation overrides only what it needs.
 *
 * <p><b>Threading.</b> Callbacks run synchronously on the transport thread that caused the
 * event (for a register checked by an {@link SignalingConfig#authenticator() authenticator}, on
 * the hub's authenticator thread that checked it). State events ({@code nodeJoined}, {@code nodeLeft}, {@code nodeReplaced}, {@code
 * roleAssigned}) are delivered in the hub's global order of state changes, so a {@code nodeLeft}
 * never overtakes the {@code nodeJoined} of the same node. Callbacks must return quickly and must
 * not block: hand real work to an executor of your own. An exception thrown by a callback is
 * logged and ignored; it never breaks the server or the connection that caused it.
 *
 * <p>In a cluster (see {@link SignalingHub#create(SignalingConfig, SignalingListener,
 * dev.signaling.core.cluster.Cluster)}), the state events are the whole cluster's, in the
 * cluster's order, and are called on the cluster's log thread; the others concern this server's
 * own connections.
 *
 * <p>{@link #connectionClosed} is called exactly once per {@link #connectionOpened}.
 */
public interface SignalingListener {

  /** A listener that does nothing. */
  SignalingListener NONE = new SignalingListener() {};

  /**
   * A WebSocket connection was opened (before it registers anything).
   *
   * @param connection the connection
   */
  default void connectionOpened(ConnectionInfo connection) {}

  /**
   * A connection closed, whoever closed it.
   *
   * @param connection the connection
   * @param code the close code ({@code 1006} when the TCP connection was lost)
   * @param reason the close reason, possibly empty
   * @param remote whether the peer closed it
   */
  default void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {}

  /**
   * A node registered (or a connection re-registered under a new nodeId).
   *
   * @param participant the participant
   */
  default void nodeJoined(Participant participant) {}

  /**
   * A node left: its connection closed, or it re-registered under another nodeId.
   *
   * @param participant the participant
   */
  default void nodeLeft(Participant participant) {}

  /**
   * A registered nodeId was registered again: by a newer connection under policy {@link
   * DuplicatePolicy#REPLACE} (the older connection is being closed with {@code 4001}), or by the
   * same connection with new details.
   *
   * @param previous the node as it was registered before
   * @param current the node as it is registered now
   */
  default void nodeReplaced(Participant previous, Participant current) {}

  /**
   * A role assignment was accepted and broadcast.
   *
   * @param from the sender's nodeId
   * @param nodeId the nodeId the roles were assigned to (registered or not)
   * @param roles the roles assigned
   */
  default void roleAssigned(String from, String nodeId, List<String> roles) {}

  /**
   * A signal was forwarded from one registered node to another. Called for every signal.
   *
   * @param from the sender's nodeId
   * @param to the target's nodeId
   */
  default void signalRelayed(String from, String to) {}

  /**
   * A signal was refused.
   *
   * @param connection the sender's connection
   * @param error the error text the sender received, e.g. {@code "peer not found"}
   */
  default void signalRefused(ConnectionInfo connection, String error) {}

  /**
   * A message was dropped because its connection exceeded the rate limit.
   *
   * @param connection the connection
   */
  default void rateLimited(ConnectionInfo connection) {}

  /**
   * A connection is being closed with {@code 1008} because it does not read fast enough.
   *
   * @param connection the connection
   */
  default void slowConsumer(ConnectionInfo connection) {}

  /**
   * The server failed: an {@link Error} (typically an {@link OutOfMemoryError}) reached one of its
   * threads, so it can no longer be trusted to work. It has closed every connection with {@code
   * 1011} and is shutting down; {@code /health} answers {@code 503} until its port is closed.
   * Called at most once, on the thread that met the error. A process that exists only to run this
   * server should exit now, so that its supervisor restarts it.
   *
   * @param cause what reached the server's thread
   */
  default void serverFailed(Throwable cause) {}
}
