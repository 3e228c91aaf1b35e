package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /** Whether role-assigns for unregistered nodeIds are kept for a later re-publication. */
  private final boolean keepsOrphanRoles;

  // Guarded by stateLock.
  /** Connections replaced by a newer registration, until they close: their events are ignored. */
  private final HashSet<Event.Conn> replaced = new HashSet<>();
  /**
   * Cluster only: the last role-assign for each nodeId that was not registered when it was
   * applied, in this log. A node re-published after a reset may be assigned roles before its
   * server re-publishes it; these then win over the older roles the re-publication carries.
   */
  private final HashMap<String, Event.AssignRoles> orphanRoles = new HashMap<>();
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
    this.keepsOrphanRoles = keepsOrphanRoles;
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
        applySync((Event.Sync) event, fanout);
      }
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
    orphanRoles.remove(nodeId); // a node registered anew does not inherit them
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
    Membership m = publish();
    // 4. presence join to every other registered connection; 5. participants to every one.
    sink.joined(m, node, previous, fanout);
    sink.listChanged(m, origin, fanout);
    // 6. Replay the roles of every other node to the newcomer.
    if (origin != null) {
      sink.registered(origin, node, nodes.values(), fanout);
    }
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
    } else if (keepsOrphanRoles) {
      orphanRoles.put(e.nodeId(), e);
    }
    sink.rolesAssigned(e, message, fanout);
  }

  /** A server's nodes become exactly its claims; a claim on a nodeId held by another loses. */
  private void applySync(Event.Sync e, Fanout fanout) {
    String origin = e.server();
    Map<String, Event.Claim> claims = new HashMap<>();
    for (Event.Claim c : e.claims()) {
      claims.put(c.participant().nodeId(), c);
    }
    List<Node> gone = nodes.heldOn(origin);
    gone.removeIf(node -> claims.containsKey(node.nodeId()) && claims.get(node.nodeId()).conn() == node.owner.id());
    removeNodes(gone, fanout);
    boolean changed = !gone.isEmpty();
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
        continue;
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
        // Back at its old place in the registration order, as on every replica.
        node.rank = c.rank();
        reorder |= c.rank() < lastRank;
        lastRank = Math.max(lastRank, c.rank());
        nodes.add(node);
        Event.AssignRoles newer = orphanRoles.remove(p.nodeId());
        if (newer != null) {
          node.assignRoles(newer.roles(), newer.from(), Codec.roleAssign(p.nodeId(), newer.roles(), newer.from()));
        } else if (c.roles() != null) {
          node.assignRoles(c.roles(), c.rolesFrom(), Codec.roleAssign(p.nodeId(), c.roles(), c.rolesFrom()));
        }
      }
      nodes.bind(node, conn, session);
      joined.add(node);
    }
    if (reorder) {
      nodes.sortByRank();
    }
    if (changed || !joined.isEmpty()) {
      Membership m = publish();
      for (int i = 0; i < joined.size(); i++) {
        sink.joined(m, joined.get(i), previousOf.get(i), fanout);
      }
      sink.listChanged(m, null, fanout);
    }
    if (sink.synced(origin)) {
      finishResync(fanout);
    }
  }

  /**
   * A server is gone for the cluster: all its nodes leave (one participants at the end). When it
   * is this very server (declared gone while alive, cut off for longer than the lease), the
   * replica is rebuilt and our clients are spared the leave-and-join of the meantime.
   *
   * @param own receives the claims of this server's nodes, for their re-publication
   * @return what to flush, or null when the replica is closed
   */
  Fanout serverGone(String gone, Duration resyncTimeout, List<Event.Claim> own) {
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      if (closed) {
        return null;
      }
      if (gone.equals(server)) {
        startResync(Set.of(server), resyncTimeout);
      }
      List<Node> leaving = nodes.heldOn(gone);
      for (Node node : leaving) {
        if (node.session != null) {
          own.add(node.claim());
        }
      }
      replaced.removeIf(c -> c.server().equals(gone));
      if (!leaving.isEmpty()) {
        removeNodes(leaving, fanout);
        sink.listChanged(current, null, fanout);
      }
    } finally {
      stateLock.unlock();
    }
    return fanout;
  }

  /**
   * The log was lost: starts a fresh replica, built from the new log alone as on every other
   * server, and holds broadcasts back until every server it knew re-published. The routes stay
   * as they were, so local and cross-server signals keep flowing meanwhile.
   *
   * @return the claims of this server's own nodes, for their re-publication
   */
  List<Event.Claim> logReset(Duration resyncTimeout) {
    stateLock.lock();
    try {
      List<Event.Claim> own = new ArrayList<>();
      nodes.heldOn(server).forEach(node -> own.add(node.claim()));
      Set<String> awaiting = new HashSet<>();
      awaiting.add(server);
      nodes.values().forEach(node -> awaiting.add(node.owner.server()));
      if (sink instanceof Resync r) {
        awaiting.addAll(r.servers()); // a reset during a resync: every server awaited is awaited again
      }
      startResync(awaiting, resyncTimeout);
      nodes.clear();
      replaced.clear();
      orphanRoles.clear();
      publish();
      return own;
    } finally {
      stateLock.unlock();
    }
  }

  private void startResync(Set<String> awaiting, Duration timeout) {
    if (!(sink instanceof Resync)) {
      Resync r = new Resync(live, nodes.values());
      sink = r;
      CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .execute(() -> resyncExpired(r, timeout));
    }
    ((Resync) sink).await(awaiting);
  }

  private void resyncExpired(Resync r, Duration timeout) {
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      if (sink != r || closed) {
        return;
      }
      log.warn("Servers {} did not re-publish their nodes within {}; they are taken as gone", r.awaiting(), timeout);
      finishResync(fanout);
    } finally {
      stateLock.unlock();
    }
    fanout.flush();
  }

  private void finishResync(Fanout fanout) {
    Resync r = (Resync) sink;
    sink = live;
    r.finish(publish(), nodes.byId(), fanout);
    routes.realign(nodes.byId(), connections.all());
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
    sink.left(m, node.participant, node.session, fanout);
    if (sendParticipants) {
      sink.listChanged(m, null, fanout);
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
