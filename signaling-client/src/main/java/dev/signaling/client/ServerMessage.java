package dev.signaling.client;

/**
 * A message from the server, as the client reads it: one of six kinds, and no other. A message
 * the client cannot read (an unknown type, a missing field) is not a {@code ServerMessage}: the
 * client ignores it, since a newer server may send more kinds.
 *
 * <p>Java 17 has no exhaustive {@code switch} over a sealed type, so {@link #accept} does that
 * job: a {@link Visitor} has one method per kind, and the compiler insists on each.
 */
public sealed interface ServerMessage
    permits ParticipantList, Presence, Heartbeat, RoleAssignment, Signal, ServerError {

  /**
   * Calls the visitor's method for this message's kind.
   *
   * @param <R> what the visitor returns
   * @param visitor the visitor
   * @return what the visitor returned
   */
  <R> R accept(Visitor<R> visitor);

  /**
   * One method per kind of server message.
   *
   * @param <R> what each method returns
   */
  interface Visitor<R> {

    /**
     * A {@code participants} list.
     *
     * @param message the message
     * @return the visitor's result
     */
    R participants(ParticipantList message);

    /**
     * A {@code presence} message.
     *
     * @param message the message
     * @return the visitor's result
     */
    R presence(Presence message);

    /**
     * A {@code heartbeat} from another node.
     *
     * @param message the message
     * @return the visitor's result
     */
    R heartbeat(Heartbeat message);

    /**
     * A {@code role-assign} message.
     *
     * @param message the message
     * @return the visitor's result
     */
    R roleAssign(RoleAssignment message);

    /**
     * A {@code signal} addressed to this node.
     *
     * @param message the message
     * @return the visitor's result
     */
    R signal(Signal message);

    /**
     * An {@code error} message.
     *
     * @param message the message
     * @return the visitor's result
     */
    R error(ServerError message);
  }
}
