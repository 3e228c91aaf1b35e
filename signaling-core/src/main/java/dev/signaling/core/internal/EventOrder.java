package dev.signaling.core.internal;

/**
 * Where state events enter the one global order, and the way to the other servers that goes
 * with it: {@link LocalOrder} in-process (one server, events applied at once), {@link
 * ClusterLink} in a cluster (events appended to the shared log, applied when read back).
 */
interface EventOrder {

  /** This server's id in events ({@code ""} in-process). */
  String server();

  /**
   * Puts one event into the global order. Called under the connection's event lock.
   *
   * @return what applying it left to flush (after that lock is released), or null when it is
   *     applied later, as it is read back from the log
   */
  Fanout enter(Event event);

  /** Hands a signal to the other server that holds its target {@code to}. */
  void forward(String server, String to, String signal);

  /** Hands a heartbeat to every other server, for their own connections. */
  void heartbeat(String message);

  /** Asks the other server that holds {@code nodeId} to disconnect it. */
  void disconnect(String server, String nodeId, String reason);

  /** Leaves the order (the cluster); called once, after every connection was closed. */
  void close();
}
