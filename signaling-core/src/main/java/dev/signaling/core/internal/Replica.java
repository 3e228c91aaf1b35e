package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's replica of the membership: changed only by applying {@link Event}s in the global
 * order, under one lock. Applying an event depends only on the replica and the event, so every
 * replica of a cluster takes the same decisions; what changed is reported to a {@link
 * ReplicaSink} and enqueued into the recipients' outboxes before the lock is released, so enqueue
 * order is the global order. The caller {@linkplain Fanout#flush() flushes} the result outside the
 * lock.
 */
final class Replica {

  private static final Logger log = LoggerFactory.getLogger(Replica.class);

  /** The position of an in-process event: the one after the last. */
  static final long NEXT = -1;

  private final ReentrantLock stateLock = new ReentrantLock();
  private final Broadcasts live;
  private final Routes routes;
  private final Connections connections;
  private final Meters meters;
  /** This server's id in events; "" in-process. */
  private final String server;
  /** The registered nodes; guarded by stateLock. */
  private final NodeTable nodes;

  // Guarded by stateLock.
  /** Connections replaced by a newer registration, until they close: their events are ignored. */
  private final HashSet<Event.Conn> replaced = new HashSet<>();
  /** Cluster only: what decides where re-published nodes go back. */
  private final Republications republications;
  private ReplicaSink sink;
  private Membership current = Membership.EMPTY;
  private long lastPosition;
  private boolean closed;

  Replica(Broadcasts live, Routes routes, Connections connections, Meters meters, String server,
      boolean keepsOrphanRoles) {
    this.live = live;
    this.sink = live;
    this.routes = routes;
    this.connections = connections;
    this.meters = meters;
    this.server = server;
    this.republications = new Republications(keepsOrphanRoles);
    this.nodes = new NodeTable(routes, server);
  }

  /** Runs {@code action} under the state lock unless the replica is closed; whether it ran. */
  boolean ifOpen(Runnable action) {
    stateLock.lock();
    try {
      if (!closed) {
        action.run();
      }
      return !closed;
    } finally {
      stateLock.unlock();
    }
  }

  /** Closes the replica (no event is applied any more) and runs {@code last} under its lock; false if already closed. */
  boolean close(Runnable last) {
    stateLock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      last.run();
      return true;
    } finally {
      stateLock.unlock();
    }
  }

  boolean isClosed() {
    stateLock.lock();
    try {
      return closed;
    } finally {
      stateLock.unlock();
    }
  }

  /**
   * Applies one event; the caller flushes the result.
   *
   * @param position the event's place in the log, or {@link #NEXT} in-process
   */
  Fanout apply(Event event, long position) {
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      if (closed) {
        return fanout;
      }
      if (event instanceof Event.Register r) {
        applyRegister(r, position == NEXT ? ++lastPosition : position, fanout);
      } else if (event instanceof Event.Leave l) {
        applyLeave(l, fanout);
      } else if (event instanceof Event.AssignRoles a) {
        applyRoles(a, fanout);
      } else {
        applySync((Event.Sync) event, position, fanout);
      }
      settle(fanout);
    } finally {
      stateLock.unlock();
    }
    return fanout;
  }

  /** The local session behind a connection of this server, if it is still open. */
  private Session local(Event.Conn conn) {
    return conn.server().equals(server) ? connections.get(conn.id()) : null;
  }

  private void applyRegister(Event.Register e, long position, Fanout fanout) {
    Event.Conn conn = e.conn();
    if (replaced.contains(conn)) {
      return;
    }
    Participant participant = e.participant();
    String nodeId = participant.nodeId();
    Session origin = local(conn);
    Node existing = nodes.get(nodeId);
    boolean heldByOther = existing != null && !existing.owner.equals(conn);
    republications.registered(nodeId);
    if (heldByOther && e.reject()) {
      if (origin != null) {
        meters.error(Errors.NODE_ID_TAKEN);
        fanout.enqueue(origin, Codec.error(Errors.NODE_ID_TAKEN));
      }
      return;
    }
    // 1. This connection leaves its previous node first.
    String previousNodeId = nodes.heldBy(conn);
    if (previousNodeId != null && !previousNodeId.equals(nodeId)) {
      removeNode(previousNodeId, false, fanout);
    }
    // 2. Another connection holding this nodeId is replaced (REPLACE), wherever it is.
    Participant previous = existing == null ? null : existing.participant;
    if (heldByOther) {
      replace(existing, fanout);
    }
    // 3. Store: a known nodeId keeps its place in the order (and its roles).
    Node node = existing != null ? existing : new Node();
    node.describe(participant);
    if (existing == null) {
      node.rank = position;
      nodes.add(node);
    }
    nodes.bind(node, conn, origin);
    current = existing == null ? current.with(node) : nodes.snapshot(); // current mirrors the table
    // 4. presence join to every other registered connection; 5. participants to every one.
    sink.joinedWithList(current, node, previous, origin, fanout);
    // 6. Replay the roles of every other node to the newcomer.
    if (origin != null) {
      sink.registered(origin, node, nodes.values(), fanout);
    }
    // Published (to lock-free heartbeats) only now, so that none reaches the newcomer before its answer.
    sink.published(current);
  }

  private void applyLeave(Event.Leave e, Fanout fanout) {
    if (replaced.remove(e.conn())) {
      return; // a replaced connection causes no broadcast
    }
    String nodeId = nodes.heldBy(e.conn());
    if (nodeId != null) {
      removeNode(nodeId, true, fanout);
    }
  }

  private void applyRoles(Event.AssignRoles e, Fanout fanout) {
    Session origin = local(e.conn());
    if (replaced.contains(e.conn())) {
      return;
    }
    if (!e.from().equals(nodes.heldBy(e.conn()))) {
      if (origin != null) {
        meters.error(Errors.NOT_REGISTERED);
        fanout.enqueue(origin, Codec.error(Errors.NOT_REGISTERED));
      }
      return;
    }
    Outgoing message = Codec.roleAssign(e.nodeId(), e.roles(), e.from());
    Node node = nodes.get(e.nodeId());
    if (node != null) {
      node.assignRoles(e.roles(), e.from(), message);
    } else {
      republications.orphanAssigned(e);
    }
    sink.rolesAssigned(e, message, fanout);
  }

  /**
   * A server re-publishes nodes (see {@link Event.Sync}): each claim takes its node back, at its
   * old place with its roles, unless the log declared that server gone: then, as everyone was
   * told that its nodes left, they come back as new registrations, at the end, without roles.
   */
  private void applySync(Event.Sync e, long position, Fanout fanout) {
    String origin = e.server();
    long lastRank = nodes.lastRank();
    boolean reorder = false;
    List<Node> joined = new ArrayList<>();
    List<Participant> previousOf = new ArrayList<>();
    for (Event.Claim c : e.claims()) {
      Event.Conn conn = new Event.Conn(origin, c.conn());
      Participant p = c.participant();
      Node existing = nodes.get(p.nodeId());
      Session session = local(conn);
      if (replaced.contains(conn) || (existing == null && nodes.heldBy(conn) != null)) {
        continue; // that connection registered something else since: its newer register stands
      }
      if (existing != null && !existing.owner.equals(conn)) {
        // The nodeId was registered again meanwhile: the newer registration stands.
        replaced.add(conn);
        if (session != null) {
          closeReplaced(session, fanout);
        }
        continue;
      }
      if (existing != null && existing.participant.equals(p)) {
        continue;
      }
      Node node = existing != null ? existing : new Node();
      previousOf.add(existing == null ? null : existing.participant);
      node.describe(p);
      if (existing == null) {
        republications.place(node, c, origin, position);
        reorder |= node.rank < lastRank;
        lastRank = Math.max(lastRank, node.rank);
        nodes.add(node);
      }
      nodes.bind(node, conn, session);
      joined.add(node);
    }
    if (reorder) {
      nodes.sortByRank();
    }
    if (!joined.isEmpty()) {
      Membership m = publish();
      for (int i = 0; i < joined.size(); i++) {
        sink.joined(m, joined.get(i), previousOf.get(i), fanout);
      }
      sink.listChanged(m, null, fanout);
    }
    sink.synced(origin);
  }

  /**
   * A server is gone for the cluster: all its nodes leave (one participants at the end). When it
   * is this very server (declared gone while alive, cut off for longer than the lease), its nodes
   * leave the replica as on every other, but its clients keep them, their routes and their
   * nodeIds until the re-publication decides ({@link Resync}): their signals keep flowing, and
   * they are told what every other client is told when the nodes come back as new registrations.
   *
   * @param rejoin receives this server's nodes that were announced gone, for their
   *     re-publication (see {@link Node#claimable()})
   * @return what to flush, or null when the replica is closed
   */
  Fanout serverGone(String gone, Duration resyncTimeout, List<Node> rejoin) {
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      if (closed) {
        return null;
      }
      republications.declaredGone(gone);
      replaced.removeIf(c -> c.server().equals(gone));
      List<Node> leaving = nodes.heldOn(gone);
      if (gone.equals(server)) {
        Resync r = leaving.isEmpty() ? resync() : resync(resyncTimeout, false);
        if (r != null) {
          leaving.forEach(nodes::forget);
          r.hold(leaving);
          for (Node node : r.pendingOf(server)) {
            node.announcedGone = true;
            rejoin.add(node);
          }
          publish();
        }
      } else {
        removeNodes(leaving, fanout);
        if (!leaving.isEmpty()) {
          sink.listChanged(current, null, fanout);
        }
        Resync r = resync();
        if (r != null) {
          r.drop(gone);
        }
      }
      settle(fanout);
    } finally {
      stateLock.unlock();
    }
    return fanout;
  }

  /**
   * The log was lost: starts a fresh replica, built from the new log alone as on every other
   * server. Until each server re-published, the nodes clients see stay as they are, with their
   * routes, so that local and cross-server signals keep flowing ({@link Resync}).
   *
   * @return the claims of this server's own nodes, for their re-publication (called while the
   *     cluster takes no other append of this server: a connection whose leave is not submitted
   *     yet is claimed, and its leave follows the claim)
   */
  List<Event.Claim> logReset(Duration resyncTimeout) {
    stateLock.lock();
    try {
      Resync r = resync(resyncTimeout, true); // every server awaited is awaited anew
      List<Node> known = r.effective(nodes.byId());
      List<Event.Claim> own = new ArrayList<>();
      for (Node node : known) {
        if (node.owner.server().equals(server) && node.claimable()) {
          own.add(node.claim());
        }
      }
      r.holdAll(known);
      nodes.clear();
      replaced.clear();
      republications.clear();
      publish();
      return own;
    } finally {
      stateLock.unlock();
    }
  }

  /** The resync in progress, or null. */
  private Resync resync() {
    return sink instanceof Resync r ? r : null;
  }

  /**
   * The resync in progress, started if there is none (clients know the replica as it is now);
   * {@code anew}: the servers it awaits get a new {@code timeout}, after which they are given up.
   */
  private Resync resync(Duration timeout, boolean anew) {
    Resync existing = resync();
    Resync r = existing != null ? existing : new Resync(live, server, nodes.values());
    sink = r;
    if (anew || existing == null) {
      long deadline = r.newDeadline();
      CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> resyncExpired(r, deadline, timeout));
    }
    return r;
  }

  private void resyncExpired(Resync r, long deadline, Duration timeout) {
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      if (sink != r || closed || !r.isDeadline(deadline)) {
        return;
      }
      List<String> late = r.expire();
      if (!late.isEmpty()) {
        log.warn("Servers {} did not re-publish their nodes within {}; they are taken as gone", late, timeout);
      }
      settle(fanout);
    } finally {
      stateLock.unlock();
    }
    fanout.flush();
  }

  /**
   * During a resync, after each change: tells clients the difference it made, keeps the routes to
   * what they see, and ends the resync once nothing is awaited any more.
   */
  private void settle(Fanout fanout) {
    Resync r = resync();
    if (r == null) {
      return;
    }
    routes.realign(r.settle(nodes.byId(), fanout), connections.all());
    if (r.done()) {
      sink = live;
    }
  }

  /**
   * Removes several nodes at once (a server's): {@code presence leave} for each goes to the
   * connections that remain registered; no participants (the caller sends one).
   */
  private void removeNodes(List<Node> gone, Fanout fanout) {
    if (gone.isEmpty()) {
      return;
    }
    for (Node node : gone) {
      nodes.remove(node.nodeId());
    }
    Membership m = publish();
    for (Node node : gone) {
      sink.left(m, node.participant, null, fanout);
    }
  }

  /** Removes a node: its roles go with it; presence leave to the others, then maybe participants. */
  private void removeNode(String nodeId, boolean sendParticipants, Fanout fanout) {
    Node node = nodes.remove(nodeId);
    Membership m = publish();
    if (sendParticipants) {
      sink.leftWithList(m, node.participant, node.session, fanout);
    } else {
      sink.left(m, node.participant, node.session, fanout);
    }
  }

  /** The older holder of a nodeId under REPLACE: no leave for it; closed with 4001 if it is ours. */
  private void replace(Node existing, Fanout fanout) {
    Session older = existing.session;
    nodes.unbind(existing);
    replaced.add(existing.owner);
    if (older != null) {
      closeReplaced(older, fanout);
    }
  }

  private void closeReplaced(Session older, Fanout fanout) {
    older.holds(null);
    meters.error(Errors.REPLACED);
    fanout.enqueue(older, Codec.error(Errors.REPLACED));
    older.enqueueClose(4001, "replaced");
  }

  /** Builds the current membership version and reports it to the sink. */
  private Membership publish() {
    current = nodes.snapshot();
    sink.published(current);
    return current;
  }
}
