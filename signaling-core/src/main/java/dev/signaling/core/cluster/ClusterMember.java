package dev.signaling.core.cluster;

/**
 * A hub's side of its {@link Cluster}: what the cluster delivers to the hub. Implemented by the
 * core, called by cluster implementations.
 *
 * <p><b>Threading.</b> {@link #onEvent}, {@link #onServerGone} and {@link #onLogReset} are the
 * log: they are called one at a time, in log order, from one thread at a time (the cluster's log
 * reader), never concurrently with each other. {@link #onMessage} may be called from any thread,
 * in order per sending server. None of them blocks on the network or throws.
 */
public interface ClusterMember {

  /**
   * The next event of the log, exactly as some server {@linkplain Cluster#append appended} it
   * (this server's own events included). Every server receives every event of the log once, in
   * the same order.
   *
   * @param event the event
   * @param position where the event stands in the log: the same on every server, and strictly
   *     increasing along the log, also across {@linkplain #onLogReset() resets} (the hub ranks
   *     nodes by it, so that a node keeps its place in the registration order through a reset)
   */
  void onEvent(String event, long position);

  /**
   * An entry of the log saying that a server is gone: its lease expired (it died, or was cut off
   * from the broker for longer than {@link Cluster#failureTimeout()}), or it left. The hub removes
   * that server's nodes. It may come more than once for the same server, and may concern this
   * very server (then the hub re-publishes its own nodes).
   *
   * @param serverId the server's id
   */
  void onServerGone(String serverId);

  /**
   * The log was lost or replaced (the broker restarted without its data): the events that follow
   * are those of a new, empty log. The hub starts a fresh replica and returns the event that
   * re-publishes this server's own nodes; the cluster appends it to the new log before any other
   * event of this server.
   *
   * @return an event for {@link Cluster#append}
   */
  String onLogReset();

  /**
   * A message another server sent with {@link Cluster#send} or {@link Cluster#broadcast}.
   *
   * @param message the message
   */
  void onMessage(String message);
}
