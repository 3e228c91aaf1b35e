package dev.signaling.client;

import java.util.Objects;

/**
 * A {@code heartbeat} that another node sent.
 *
 * @param from the sender's nodeId
 */
public record Heartbeat(String from) implements ServerMessage {

  /**
   * Checks that the sender is present.
   *
   * @param from the sender's nodeId
   */
  public Heartbeat {
    Objects.requireNonNull(from, "from");
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.heartbeat(this);
  }
}
