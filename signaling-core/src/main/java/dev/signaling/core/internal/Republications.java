package dev.signaling.core.internal;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The cluster's bookkeeping for re-publications ({@link Event.Sync}), in log order and so the same
 * on every replica: which servers the current log declared gone, and the role assignments to
 * nodeIds that were not registered when they were applied. It decides where a claimed node goes
 * back. Guarded by the replica's state lock; cleared with the log.
 */
final class Republications {

  /** Role assignments to unregistered nodeIds kept for a re-publication (memory bound). */
  static final int MAX_ORPHAN_ROLES = 10_000;

  /** Whether role assignments to unregistered nodeIds are kept (cluster only). */
  private final boolean keepsOrphanRoles;
  /**
   * The servers this log declared gone: every client was told that their nodes left, so a
   * re-publication of theirs is made of new registrations. At most one per "gone" entry of the
   * log, whose length is bounded.
   */
  private final HashSet<String> gone = new HashSet<>();
  /**
   * The last role-assign for each nodeId that was not registered when it was applied. A node
   * re-published after a reset may be assigned roles before its server re-publishes it; these
   * then win over the older roles the claim carries. The oldest are forgotten first.
   */
  private final LinkedHashMap<String, Event.AssignRoles> orphanRoles = new LinkedHashMap<>() {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Event.AssignRoles> eldest) {
      return size() > MAX_ORPHAN_ROLES;
    }
  };

  Republications(boolean keepsOrphanRoles) {
    this.keepsOrphanRoles = keepsOrphanRoles;
  }

  /** The log declared {@code server} gone. */
  void declaredGone(String server) {
    gone.add(server);
  }

  /** Roles assigned to a nodeId that is not registered. */
  void orphanAssigned(Event.AssignRoles assignment) {
    if (keepsOrphanRoles) {
      orphanRoles.put(assignment.nodeId(), assignment);
    }
  }

  /** A node registered anew does not inherit roles assigned before. */
  void registered(String nodeId) {
    orphanRoles.remove(nodeId);
  }

  /** The log was lost: a new one starts. */
  void clear() {
    gone.clear();
    orphanRoles.clear();
  }

  /**
   * Places a node that {@code claim} of {@code server} takes back: at its old rank with its roles
   * (those assigned since it was unregistered, if any); or, when the log declared {@code server}
   * gone or the claim says so, as a new registration at {@code position}, without roles.
   */
  void place(Node node, Event.Claim claim, String server, long position) {
    Event.AssignRoles newer = orphanRoles.remove(node.nodeId());
    if (gone.contains(server) || claim.rank() == Event.Claim.AT_END) {
      node.rank = position;
      return;
    }
    node.rank = claim.rank();
    if (newer != null) {
      node.assignRoles(newer.roles(), newer.from(), Codec.roleAssign(node.nodeId(), newer.roles(), newer.from()));
    } else if (claim.roles() != null) {
      node.assignRoles(claim.roles(), claim.rolesFrom(), Codec.roleAssign(node.nodeId(), claim.roles(), claim.rolesFrom()));
    }
  }
}
