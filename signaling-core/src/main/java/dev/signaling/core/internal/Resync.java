package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link ReplicaSink} while the replica is rebuilt after a log reset (or after this server
 * was declared gone while alive): holds state broadcasts back until every awaited server has
 * re-published its nodes (or the cluster's failure timeout passed), then tells clients only the
 * difference between what they knew and the rebuilt membership. Role assignments are events:
 * they go at once, to the clients of the view they hold. Guarded by the replica's state lock.
 */
final class Resync implements ReplicaSink {

  private final Broadcasts live;
  /** What this server's clients were last told. */
  private final Membership view;
  /** nodeId → text of its last role-assign, as clients were last told. */
  private final Map<String, String> roles;
  /** Servers whose re-publication is still awaited. */
  private final Set<String> awaiting = new HashSet<>();
  /** Every server awaited since the resync began. */
  private final Set<String> servers = new HashSet<>();
  /** Local connections that registered meanwhile: they get a full picture at the end. */
  private final Set<Session> newcomers = new HashSet<>();

  Resync(Broadcasts live, Collection<Node> nodes) {
    this.live = live;
    this.view = live.visible();
    this.roles = new HashMap<>();
    for (Node node : nodes) {
      if (node.roleAssign != null) {
        roles.put(node.nodeId(), node.roleAssign.text());
      }
    }
  }

  /** Waits for these servers' re-publications too. */
  void await(Set<String> more) {
    awaiting.addAll(more);
    servers.addAll(more);
  }

  /** Every server awaited since the resync began. */
  Set<String> servers() {
    return servers;
  }

  /** Servers whose re-publication is still awaited. */
  Set<String> awaiting() {
    return awaiting;
  }

  @Override
  public void published(Membership current) {}

  @Override
  public void joined(Membership current, Node node, Participant previous, Fanout fanout) {}

  @Override
  public void listChanged(Membership current, Session answered, Fanout fanout) {}

  @Override
  public void registered(Session origin, Node node, Collection<Node> nodes, Fanout fanout) {
    newcomers.add(origin);
  }

  @Override
  public void left(Membership current, Participant gone, Session except, Fanout fanout) {}

  @Override
  public void rolesAssigned(Event.AssignRoles assignment, Outgoing message, Fanout fanout) {
    live.rolesAssigned(assignment, message, fanout); // the live view is still this one's view
    if (assignment.roles().isEmpty()) {
      roles.remove(assignment.nodeId());
    } else {
      roles.put(assignment.nodeId(), message.text());
    }
  }

  @Override
  public boolean synced(String server) {
    return awaiting.remove(server) && awaiting.isEmpty();
  }

  /**
   * Tells the clients what changed between their view and {@code current}, the rebuilt
   * membership (already published to the live sink).
   */
  void finish(Membership current, Map<String, Node> nodes, Fanout fanout) {
    SignalingListener listener = live.listener();
    List<Session> informed = new ArrayList<>();
    for (Session s : current.sessions()) {
      if (!newcomers.contains(s)) {
        informed.add(s);
      }
    }
    Map<String, Participant> before = new HashMap<>();
    for (Participant p : view.participants()) {
      before.put(p.nodeId(), p);
      if (!nodes.containsKey(p.nodeId())) {
        Outgoing leave = Codec.presence("leave", p);
        informed.forEach(s -> fanout.enqueue(s, leave));
        listener.nodeLeft(p);
      }
    }
    for (Node node : nodes.values()) {
      Participant old = before.get(node.nodeId());
      if (old == null || !old.equals(node.participant)) {
        Outgoing join = Codec.presence("join", node.participant);
        for (Session s : informed) {
          if (s != node.session) {
            fanout.enqueue(s, join);
          }
        }
        if (old == null) {
          listener.nodeJoined(node.participant);
        } else {
          listener.nodeReplaced(old, node.participant);
        }
      }
    }
    boolean listChanged = !view.participants().equals(current.participants());
    for (Session s : current.sessions()) {
      if (listChanged || newcomers.contains(s)) {
        fanout.snapshot(s, current, newcomers.contains(s));
      }
    }
    for (Node node : nodes.values()) {
      if (node.roleAssign != null && !node.roleAssign.text().equals(roles.get(node.nodeId()))) {
        informed.forEach(s -> fanout.enqueue(s, node.roleAssign));
      }
    }
    for (Session s : current.sessions()) {
      if (newcomers.contains(s)) {
        Broadcasts.replayRoles(s, nodes.get(s.nodeId()), nodes.values(), fanout);
      }
    }
  }
}
