package dev.signaling.core;

/**
 * Callbacks from the hub to the embedding application. Every method has a no-op default, so an
 * implementation overrides only what it needs.
 *
 * <p><b>Threading.</b> Callbacks run synchronously on the transport thread that caused the
 * change, in the hub's global order of state changes (so a {@code nodeLeft} never overtakes the
 * {@code nodeJoined} of the same node). They must return quickly and must not block; hand real
 * work to an executor of your own. An exception thrown by a callback is logged and ignored: it
 * never breaks the server or the connection that caused it.
 */
public interface SignalingListener {

  /** A listener that does nothing. */
  SignalingListener NONE = new SignalingListener() {};

  /** A node registered (or a connection re-registered under a new nodeId). */
  default void nodeJoined(Participant participant) {}

  /** A node left: its connection closed, or it re-registered under another nodeId. */
  default void nodeLeft(Participant participant) {}

  /**
   * A newer connection registered an already registered nodeId under policy {@link
   * DuplicatePolicy#REPLACE}; the older connection is being closed with {@code 4001}.
   *
   * @param previous the node as the older connection had registered it
   * @param current the node as the newer connection registered it
   */
  default void nodeReplaced(Participant previous, Participant current) {}
}
