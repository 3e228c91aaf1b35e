package dev.signaling.client;

import com.google.gson.JsonParser;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@code signal} message addressed to this node.
 *
 * @param from the sender's nodeId
 * @param to this node's nodeId
 * @param payloadJson the payload's JSON text exactly as the sender wrote it, or {@code null}
 *     when the message has no payload
 * @param message the whole message exactly as received
 */
public record Signal(String from, String to, String payloadJson, String message) implements ServerMessage {

  /**
   * Checks that the required parts are present.
   *
   * @param from the sender's nodeId
   * @param to this node's nodeId
   * @param payloadJson the payload's JSON text exactly as the sender wrote it, or {@code null}
   *     when the message has no payload
   * @param message the whole message exactly as received
   */
  public Signal {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The payload decoded as a string, when it is a JSON string (see {@link
   * SignalingClient#sendSignalString}).
   *
   * @return the string, or empty when the payload is absent or not a JSON string
   */
  public Optional<String> payloadAsString() {
    if (payloadJson == null || !payloadJson.startsWith("\"")) {
      return Optional.empty();
    }
    return Optional.of(JsonParser.parseString(payloadJson).getAsString());
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.signal(this);
  }
}
