package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import java.util.Collection;

/**
 * The live {@link ReplicaSink}: tells every change to the clients it concerns (enqueued under the
 * state lock, in the global order) and to the listener, and publishes each membership version
 * for lock-free readers (heartbeat fan-out, {@code participants()}).
 */
final class Broadcasts implements ReplicaSink {

  private final SignalingListener listener;
  private volatile Membership visible = Membership.EMPTY;

  Broadcasts(SignalingListener listener) {
    this.listener = listener;
  }

  /** The membership as clients were last told it; lock-free. */
  Membership visible() {
    return visible;
  }

  SignalingListener listener() {
    return listener;
  }

  @Override
  public void published(Membership current) {
    visible = current;
  }

  @Override
  public void joined(Membership current, Node node, Participant previous, Fanout fanout) {
    fanout.toAllBut(current, node.session, Codec.presence("join", node.participant));
    tellJoined(node, previous);
  }

  /** In one pass over the connections (a join storm makes one per join, under the state lock). */
  @Override
  public void joinedWithList(Membership current, Node node, Participant previous, Session answered,
      Fanout fanout) {
    fanout.changeToAll(current, node.session, Codec.presence("join", node.participant), answered);
    tellJoined(node, previous);
  }

  private void tellJoined(Node node, Participant previous) {
    if (previous == null) {
      listener.nodeJoined(node.participant);
    } else {
      listener.nodeReplaced(previous, node.participant);
    }
  }

  @Override
  public void listChanged(Membership current, Session answered, Fanout fanout) {
    fanout.snapshotToAll(current, answered);
  }

  @Override
  public void registered(Session origin, Node node, Collection<Node> nodes, Fanout fanout) {
    replayRoles(origin, node, nodes, fanout);
  }

  /** The last role-assign of every other node that has roles, to a newcomer. */
  static void replayRoles(Session origin, Node own, Collection<Node> nodes, Fanout fanout) {
    for (Node other : nodes) {
      if (other != own && other.roleAssign != null) {
        fanout.enqueue(origin, other.roleAssign);
      }
    }
  }

  @Override
  public void left(Membership current, Participant gone, Session except, Fanout fanout) {
    fanout.toAllBut(current, except, Codec.presence("leave", gone));
    listener.nodeLeft(gone);
  }

  /** In one pass over the connections, as {@link #joinedWithList}. */
  @Override
  public void leftWithList(Membership current, Participant gone, Session except, Fanout fanout) {
    fanout.changeToAll(current, except, Codec.presence("leave", gone), null);
    listener.nodeLeft(gone);
  }

  @Override
  public void rolesAssigned(Event.AssignRoles assignment, Outgoing message, Fanout fanout) {
    fanout.toAllBut(visible, null, message);
    listener.roleAssigned(assignment.from(), assignment.nodeId(), assignment.roles());
  }

  @Override
  public void synced(String server) {
    // Nothing awaited: the nodes it claimed were told as they joined.
  }
}
