package dev.signaling.core.cluster;

import java.time.Duration;

/**
 * The link from one signaling hub to the other servers of a cluster: a shared, totally ordered
 * log of state changes and a message bus between servers. Implemented by cluster modules (for
 * example {@code signaling-cluster-redis}); called by the hub. An application creates one per
 * server and hands it to the hub (or the server builder), which owns it from then on.
 *
 * <p><b>What the hub builds on it.</b> Every state change (register, leave, role-assign) is
 * {@linkplain #append appended} as an opaque event; every hub of the cluster reads the same log in
 * the same order through {@link ClusterMember#onEvent} and applies it to its own replica of the
 * membership, then tells its <em>own</em> connections what changed. So every server holds the same
 * participant list in the same order, and every client sees state messages in the log's order.
 * Signals for a node on another server go to that server alone ({@link #send}); heartbeats go to
 * every other server once ({@link #broadcast}) and are fanned out there.
 *
 * <p><b>Lifecycle.</b> {@link #join} is called once, by the hub, while it is created; {@link
 * #close} once, when the hub closes. Between them every method may be called from any thread,
 * concurrently, and none may block the caller on the network.
 */
public interface Cluster extends AutoCloseable {

  /**
   * Joins the cluster: starts delivering the log (from its beginning, so that the member builds
   * the current membership) and the messages addressed to this server to {@code member}. Called
   * once by the hub while it is created, before it accepts any connection.
   *
   * <p>Returns once the member has been given every event that was in the log when it joined, so
   * that the new server starts with the cluster's membership.
   *
   * @param member the hub, as a cluster member
   * @throws dev.signaling.core.SignalingException if the cluster cannot be reached in a bounded
   *     time
   */
  void join(ClusterMember member);

  /**
   * This server's identifier, unique in the cluster for the lifetime of this object.
   *
   * @return this server's identifier, unique in the cluster for the lifetime of this object
   */
  String serverId();

  /**
   * Appends one state event to the log. Called by the hub on the thread that caused the change.
   * Never blocks and never throws on a network failure.
   *
   * <p>Guarantees the hub relies on: events appended by one server enter the log at most once
   * each and in the order of the calls; an event the log has not taken yet (the broker is
   * unreachable) is kept and appended when it is reachable again; after a {@linkplain
   * ClusterMember#onLogReset() reset} the events of this server not yet delivered back to it are
   * appended again to the new log, behind the member's re-publication. Events after {@link
   * #close} are dropped.
   *
   * @param event the event
   */
  void append(String event);

  /**
   * Sends a message to one other server, best effort: at most once, in order per destination, and
   * dropped when the broker is unreachable. Called on the thread of the client message that
   * caused it (a signal); must be cheap.
   *
   * @param message the message
   * @param serverId the server's id
   */
  void send(String serverId, String message);

  /**
   * Sends a message to every other server once, on the same terms as {@link #send}.
   *
   * @param message the message
   */
  void broadcast(String message);

  /**
   * How long a server may be silent (dead, or cut off from the broker) before the cluster declares
   * it gone; a hub also waits at most this long after a {@linkplain ClusterMember#onLogReset()
   * log reset} for the other servers to re-publish their nodes.
   *
   * @return how long a server may be silent (dead, or cut off from the broker) before the cluster declares it gone
   */
  Duration failureTimeout();

  /**
   * Leaves the cluster: the other servers are told that this one is gone (they send {@code
   * presence leave} for its nodes at once, without waiting for {@link #failureTimeout()}), and
   * the connections to the broker are closed. Called once by the hub when it closes, after it
   * has closed its client connections. Idempotent; returns within a few seconds at most.
   */
  @Override
  void close();
}
