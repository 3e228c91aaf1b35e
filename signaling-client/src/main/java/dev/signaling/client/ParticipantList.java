package dev.signaling.client;

import java.util.List;

/**
 * A {@code participants} message: every registered node, in registration order.
 *
 * @param participants the nodes, immutable
 */
public record ParticipantList(List<Participant> participants) implements ServerMessage {

  /**
   * Copies the list.
   *
   * @param participants the nodes, immutable
   */
  public ParticipantList {
    participants = List.copyOf(participants);
  }

  /**
   * Whether the list names {@code nodeId}.
   *
   * @param nodeId a node id
   * @return whether one of the participants has it
   */
  public boolean contains(String nodeId) {
    return participants.stream().anyMatch(p -> p.nodeId().equals(nodeId));
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.participants(this);
  }
}
