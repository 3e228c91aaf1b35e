package dev.signaling.client;

import java.util.Objects;

/**
 * A {@code presence} message: another node joined or left.
 *
 * @param action {@link Action#JOIN} or {@link Action#LEAVE}
 * @param participant the node, as a {@code participants} list would name it
 * @param publicKey the {@code publicKey} it registered with, {@code ""} when none
 */
public record Presence(Action action, Participant participant, String publicKey) implements ServerMessage {

  /**
   * Checks that every part is present.
   *
   * @param action {@link Action#JOIN} or {@link Action#LEAVE}
   * @param participant the node, as a {@code participants} list would name it
   * @param publicKey the {@code publicKey} it registered with, {@code ""} when none
   */
  public Presence {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(participant, "participant");
    Objects.requireNonNull(publicKey, "publicKey");
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.presence(this);
  }

  /** What happened to the node. */
  public enum Action {
    /** The node registered, or registered again with new details. */
    JOIN,
    /** The node's connection closed, or it registered under another nodeId. */
    LEAVE
  }
}
