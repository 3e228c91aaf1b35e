package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import java.util.List;

/**
 * A state change as it enters the global order. In-process, the relay applies it at once; in a
 * cluster, it goes through the shared log (encoded by {@link EventCodec}) and every server applies
 * it to its own replica. Applying an event depends only on the replica and the event, never on
 * local state, so that every replica takes the same decisions.
 */
sealed interface Event {

  /** A connection anywhere in the cluster: its server and its number there. */
  record Conn(String server, long id) {}

  /** A register that passed validation; {@code reject} carries the origin's duplicate policy. */
  record Register(Conn conn, Participant participant, boolean reject) implements Event {}

  /** A connection closed. */
  record Leave(Conn conn) implements Event {}

  /** A role-assign by the node {@code from}, which {@code conn} must still hold when applied. */
  record AssignRoles(Conn conn, String from, String nodeId, List<String> roles) implements Event {}

  /**
   * A server re-publishes nodes it holds: after a log reset (into the new log, ahead of its other
   * events), or after it was declared gone while alive. Each claim takes its node back unless its
   * connection holds another node by then, or another connection holds its nodeId (the newer
   * registration stands). A server that the current log has declared gone comes back as new
   * registrations: at the end of the order, without roles.
   */
  record Sync(String server, List<Claim> claims) implements Event {}

  /**
   * One node in a {@link Sync}: its connection, its rank in the registration order (the log
   * position of its registration; {@link #AT_END}: a new registration at the sync's place) and
   * its remembered roles ({@code roles == null}: none).
   */
  record Claim(long conn, long rank, Participant participant, List<String> roles, String rolesFrom) {
    /** The rank of a node that was announced as gone: it comes back at the end, without roles. */
    static final long AT_END = -1;
  }
}
