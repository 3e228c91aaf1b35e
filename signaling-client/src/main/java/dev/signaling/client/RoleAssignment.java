package dev.signaling.client;

import java.util.List;
import java.util.Objects;

/**
 * A {@code role-assign} message.
 *
 * @param nodeId the node the roles are for
 * @param roles the roles, immutable
 * @param from the node that assigned them
 */
public record RoleAssignment(String nodeId, List<String> roles, String from) implements ServerMessage {

  /**
   * Copies the roles; checks that every part is present.
   *
   * @param nodeId the node the roles are for
   * @param roles the roles, immutable
   * @param from the node that assigned them
   */
  public RoleAssignment {
    Objects.requireNonNull(nodeId, "nodeId");
    roles = List.copyOf(roles);
    Objects.requireNonNull(from, "from");
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.roleAssign(this);
  }
}
