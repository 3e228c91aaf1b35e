package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import java.util.List;

/** A registered node in the {@link Replica}; mutable, guarded by the replica's state lock. */
final class Node {
  Participant participant;
  /** Its {@code participants} entry, encoded once. */
  String entry;
  /** Its place in the registration order: the log position of its registration. */
  long rank;
  /** The connection that holds it, on whichever server. */
  Event.Conn owner;
  /** That connection's session when it is one of ours and open, else null. */
  Session session;
  /** The last role-assign for this node, replayed to late joiners; null when it has none. */
  Outgoing roleAssign;
  List<String> roles;
  String rolesFrom;

  String nodeId() {
    return participant.nodeId();
  }

  void describe(Participant p) {
    participant = p;
    entry = Codec.participantEntry(p);
  }

  void assignRoles(List<String> assigned, String from, Outgoing message) {
    // An empty list clears the node's roles: there is nothing left to replay.
    boolean none = assigned.isEmpty();
    roleAssign = none ? null : message;
    roles = none ? null : assigned;
    rolesFrom = none ? null : from;
  }

  Event.Claim claim() {
    return new Event.Claim(owner.id(), rank, participant, roles, rolesFrom);
  }
}
