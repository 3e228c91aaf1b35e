package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link ReplicaSink} while the replica is rebuilt: after a log reset, every server
 * re-publishes its nodes into the new log; after this server was declared gone while alive, it
 * re-publishes its own. Meanwhile the nodes that clients know and whose server has not
 * re-published them yet are <em>pending</em>: clients go on seeing them (and their routes stay),
 * so a re-publication changes nothing for them. After every applied event, clients are told the
 * {@linkplain MembershipDiff difference} between what they were told and the <em>effective</em>
 * membership (the rebuilt replica, plus the pending nodes whose nodeId it does not hold), in the
 * log's order: real changes go out at once, a register is answered at once, and only a server
 * that never re-publishes (gone, or {@linkplain #expire() late}) makes its nodes leave. Guarded by
 * the replica's state lock.
 */
final class Resync implements ReplicaSink {

  private final Broadcasts live;
  /** This server's id in events: its own pending nodes never expire (it re-publishes them). */
  private final String self;
  /** The effective membership as clients were last told it. */
  private List<MembershipDiff.Seen> told;
  /** nodeId → text of its last role-assign, as clients were last told it. */
  private final Map<String, String> toldRoles = new HashMap<>();
  /** Nodes clients know whose server has not re-published them yet, by server. */
  private final Map<String, List<Node>> pending = new LinkedHashMap<>();
  /** The local connection whose register the current event applies, and its node. */
  private Session answered;
  private Node answeredNode;
  /** Which scheduled expiry counts: each log reset gives the awaited servers a new one. */
  private long deadline;

  Resync(Broadcasts live, String self, Collection<Node> known) {
    this.live = live;
    this.self = self;
    this.told = seen(known);
    for (Node node : known) {
      if (node.roleAssign != null) {
        toldRoles.put(node.nodeId(), node.roleAssign.text());
      }
    }
  }

  /** Holds these nodes (which clients know) until their server re-publishes them, or is gone. */
  void hold(Collection<Node> nodes) {
    for (Node node : nodes) {
      pending.computeIfAbsent(node.owner.server(), server -> new ArrayList<>()).add(node);
    }
  }

  /** The log was lost: every node clients see now awaits its server's re-publication. */
  void holdAll(List<Node> effective) {
    pending.clear();
    hold(effective);
  }

  /** {@code server} re-published its nodes, or is gone: its pending nodes are over. */
  void drop(String server) {
    pending.remove(server);
  }

  /** This server's own pending nodes. */
  List<Node> pendingOf(String server) {
    return pending.getOrDefault(server, List.of());
  }

  /**
   * The failure timeout passed: the servers still awaited are taken as gone (never this one,
   * whose re-publication is sure to come once the log takes appends).
   *
   * @return the servers given up
   */
  List<String> expire() {
    List<String> late = new ArrayList<>(pending.keySet());
    late.remove(self);
    late.forEach(pending::remove);
    return late;
  }

  /** Whether nothing is awaited any more: the replica is whole again. */
  boolean done() {
    return pending.isEmpty();
  }

  /** A new expiry; the older ones no longer count. */
  long newDeadline() {
    return ++deadline;
  }

  boolean isDeadline(long candidate) {
    return candidate == deadline;
  }

  /** The rebuilt nodes, plus the pending nodes whose nodeId they do not hold, in rank order. */
  List<Node> effective(Map<String, Node> rebuilt) {
    List<Node> held = new ArrayList<>();
    Set<String> ids = new HashSet<>(rebuilt.keySet());
    for (List<Node> nodes : pending.values()) {
      for (Node node : nodes) {
        if (ids.add(node.nodeId())) {
          held.add(node);
        }
      }
    }
    if (held.isEmpty()) {
      return new ArrayList<>(rebuilt.values());
    }
    held.sort(Comparator.comparingLong(node -> node.rank));
    List<Node> merged = new ArrayList<>(rebuilt.size() + held.size());
    int h = 0;
    for (Node node : rebuilt.values()) {
      while (h < held.size() && held.get(h).rank < node.rank) {
        merged.add(held.get(h++));
      }
      merged.add(node);
    }
    merged.addAll(held.subList(h, held.size()));
    return merged;
  }

  /**
   * Tells clients what changed since they were last told (the caller applied one event, or gave
   * up on servers), answers the register it applied, and publishes the effective membership.
   *
   * @return the effective nodes by nodeId, for the routes
   */
  Map<String, Node> settle(Map<String, Node> rebuilt, Fanout fanout) {
    List<Node> now = effective(rebuilt);
    Membership m = Membership.of(now);
    MembershipDiff diff = MembershipDiff.between(told, now);
    SignalingListener listener = live.listener();
    Set<Session> informed = Collections.newSetFromMap(new IdentityHashMap<>());
    for (MembershipDiff.Seen gone : diff.left) {
      toAllBut(m, gone.session(), Codec.presence("leave", gone.participant()), fanout, informed);
      toldRoles.remove(gone.participant().nodeId());
      listener.nodeLeft(gone.participant());
    }
    for (int i = 0; i < diff.joined.size(); i++) {
      Node node = diff.joined.get(i);
      Participant previous = diff.previous.get(i);
      toAllBut(m, node.session, Codec.presence("join", node.participant), fanout, informed);
      if (previous == null) {
        listener.nodeJoined(node.participant);
      } else {
        listener.nodeReplaced(previous, node.participant);
      }
    }
    boolean listChanged = !participants(told).equals(m.participants());
    for (Session s : m.sessions()) {
      if (s != answered && (listChanged || informed.contains(s))) {
        fanout.snapshot(s, m, false);
      }
    }
    for (Node node : now) {
      // A pending node's roles are as clients were told (an assignment to it meanwhile included).
      if (rebuilt.get(node.nodeId()) != node) {
        continue;
      }
      if (node.roleAssign == null) {
        toldRoles.remove(node.nodeId());
      } else if (!node.roleAssign.text().equals(toldRoles.get(node.nodeId()))) {
        toldRoles.put(node.nodeId(), node.roleAssign.text());
        toAllBut(m, null, node.roleAssign, fanout, informed);
      }
    }
    if (answered != null) {
      fanout.answer(answered, m);
      Broadcasts.replayRoles(answered, answeredNode, now, fanout);
      answered = null;
      answeredNode = null;
    }
    told = seen(now);
    live.published(m);
    Map<String, Node> byId = new HashMap<>();
    now.forEach(node -> byId.put(node.nodeId(), node));
    return byId;
  }

  private void toAllBut(Membership m, Session except, Outgoing message, Fanout fanout, Set<Session> informed) {
    for (Session s : m.sessions()) {
      if (s != except && s != answered) {
        fanout.enqueue(s, message);
        informed.add(s);
      }
    }
  }

  private static List<MembershipDiff.Seen> seen(Collection<Node> nodes) {
    List<MembershipDiff.Seen> seen = new ArrayList<>(nodes.size());
    nodes.forEach(node -> seen.add(MembershipDiff.Seen.of(node)));
    return seen;
  }

  private static List<Participant> participants(List<MembershipDiff.Seen> seen) {
    List<Participant> list = new ArrayList<>(seen.size());
    seen.forEach(s -> list.add(s.participant()));
    return list;
  }

  @Override
  public void published(Membership current) {}

  @Override
  public void joined(Membership current, Node node, Participant previous, Fanout fanout) {}

  @Override
  public void listChanged(Membership current, Session answered, Fanout fanout) {}

  @Override
  public void registered(Session origin, Node node, Collection<Node> nodes, Fanout fanout) {
    answered = origin;
    answeredNode = node;
  }

  @Override
  public void left(Membership current, Participant gone, Session except, Fanout fanout) {}

  @Override
  public void rolesAssigned(Event.AssignRoles assignment, Outgoing message, Fanout fanout) {
    live.rolesAssigned(assignment, message, fanout); // the live view is the effective one
    boolean known = told.stream().anyMatch(s -> s.participant().nodeId().equals(assignment.nodeId()));
    if (assignment.roles().isEmpty() || !known) {
      toldRoles.remove(assignment.nodeId());
    } else {
      toldRoles.put(assignment.nodeId(), message.text());
    }
  }

  @Override
  public void synced(String server) {
    drop(server);
  }
}
