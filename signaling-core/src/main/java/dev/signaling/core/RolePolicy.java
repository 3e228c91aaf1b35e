package dev.signaling.core;

import java.util.List;

/**
 * Decides whether a {@code role-assign} is accepted. A refused assignment is answered with
 * {@code error "role-assign refused"} and changes nothing.
 *
 * <p>Called on the transport thread that received the message, before the assignment enters
 * the hub's global order of state changes (in a cluster: on the server that received it only):
 * it must be fast and must not block. An exception thrown here counts as a refusal.
 */
@FunctionalInterface
public interface RolePolicy {

  /** The default policy of the reference server: every assignment is accepted. */
  RolePolicy ALLOW_ALL = (sender, nodeId, roles) -> true;

  /**
   * @param sender the sender's registered nodeId
   * @param nodeId the nodeId whose roles are assigned (it may not be registered)
   * @param roles the roles assigned, already validated against the configured limits
   * @return whether the assignment is accepted
   */
  boolean allows(String sender, String nodeId, List<String> roles);
}
