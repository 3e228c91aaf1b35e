package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import java.util.Collection;

/**
 * Where the {@link Replica} reports its changes, under its state lock: to the clients and the
 * listener at once ({@link Broadcasts}), or, while the replica is rebuilt from re-publications,
 * as the difference each event makes to what clients see ({@link Resync}).
 */
interface ReplicaSink {

  /** A new version of the membership. */
  void published(Membership current);

  /** A node joined ({@code previous == null}) or was registered again with these details. */
  void joined(Membership current, Node node, Participant previous, Fanout fanout);

  /**
   * A node joined (as {@link #joined}) and so the list changed (as {@link #listChanged}); {@code
   * answered} is the local connection whose register this answers, or null.
   */
  default void joinedWithList(Membership current, Node node, Participant previous, Session answered,
      Fanout fanout) {
    joined(current, node, previous, fanout);
    listChanged(current, answered, fanout);
  }

  /**
   * The participants list changed.
   *
   * @param answered the local connection whose register this answers, or null
   */
  void listChanged(Membership current, Session answered, Fanout fanout);

  /** A local connection registered {@code node}: the roles of the others are due to it. */
  void registered(Session origin, Node node, Collection<Node> nodes, Fanout fanout);

  /** A node left; {@code except} (its own session, if any) is not told. */
  void left(Membership current, Participant gone, Session except, Fanout fanout);

  /** A node left (as {@link #left}) and so the list changed (as {@link #listChanged}, answering no one). */
  default void leftWithList(Membership current, Participant gone, Session except, Fanout fanout) {
    left(current, gone, except, fanout);
    listChanged(current, null, fanout);
  }

  /** Roles were assigned (registered node or not); {@code message} is their role-assign. */
  void rolesAssigned(Event.AssignRoles assignment, Outgoing message, Fanout fanout);

  /** {@code server} re-published its nodes. */
  void synced(String server);
}
