package dev.signaling.client;

import java.util.Objects;

/**
 * An {@code error} message from the server.
 *
 * @param error the error text, e.g. {@code "peer not found"} (the protocol lists them all)
 * @param to the nodeId a refused signal was for ({@code peer not found}), else {@code null}
 */
public record ServerError(String error, String to) implements ServerMessage {

  /**
   * Checks that the text is present.
   *
   * @param error the error text, e.g. {@code "peer not found"} (the protocol lists them all)
   * @param to the nodeId a refused signal was for ({@code peer not found}), else {@code null}
   */
  public ServerError {
    Objects.requireNonNull(error, "error");
  }

  @Override
  public <R> R accept(Visitor<R> visitor) {
    return visitor.error(this);
  }
}
