package dev.signaling.client;

import java.util.Objects;

/**
 * The server refused this client's {@code register}: it answered with an {@code error} before it
 * listed the node. The client is not registered; it closes the connection and either tries again
 * after the reconnect delay or stops, by the error text (the table is in {@code docs/client.md}).
 *
 * @param error the server's error text, e.g. {@code "unauthorized"} or {@code "nodeId already
 *     registered"}
 * @param willRetry whether the client will register again on a new connection
 */
public record RegisterRefusal(String error, boolean willRetry) {

  /**
   * Checks that the text is present.
   *
   * @param error the server's error text, e.g. {@code "unauthorized"} or {@code "nodeId already
   *     registered"}
   * @param willRetry whether the client will register again on a new connection
   */
  public RegisterRefusal {
    Objects.requireNonNull(error, "error");
  }
}
