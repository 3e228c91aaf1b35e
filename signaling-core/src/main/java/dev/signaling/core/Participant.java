package dev.signaling.core;

import java.util.Objects;
import java.util.Optional;

/**
 * A registered node as the server stores it.
 *
 * @param nodeId the node's identifier, unique among registered nodes
 * @param username the display name the node registered with
 * @param publicKey the public key the node registered with, {@code ""} when it sent none
 * @param encryptionKey the encryption key the node registered with, or {@code null} when absent
 */
public record Participant(String nodeId, String username, String publicKey, String encryptionKey) {

  /**
   * Checks that the required fields are present.
   *
   * @param nodeId the node's identifier, unique among registered nodes
   * @param username the display name the node registered with
   * @param publicKey the public key the node registered with, {@code ""} when it sent none
   * @param encryptionKey the encryption key the node registered with, or {@code null} when absent
   */
  public Participant {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(publicKey, "publicKey");
  }

  /**
   * The encryption key, if the node sent one.
   *
   * @return the encryption key, if the node sent one
   */
  public Optional<String> encryptionKeyIfPresent() {
    return Optional.ofNullable(encryptionKey);
  }
}
