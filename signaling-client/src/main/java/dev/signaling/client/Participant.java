package dev.signaling.client;

import java.util.Objects;

/**
 * A registered node as a {@code participants} list names it. The list carries no {@code
 * publicKey} on the wire, so this record has none; a {@link Presence} {@code join} carries it.
 *
 * @param nodeId the node's id
 * @param username its username
 * @param encryptionKey its encryption key, or {@code null} when it registered without one
 */
public record Participant(String nodeId, String username, String encryptionKey) {

  /**
   * Checks that the id and the username are present.
   *
   * @param nodeId the node's id
   * @param username its username
   * @param encryptionKey its encryption key, or {@code null} when it registered without one
   */
  public Participant {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(username, "username");
  }
}
