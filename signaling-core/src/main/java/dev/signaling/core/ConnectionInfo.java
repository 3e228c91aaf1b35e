package dev.signaling.core;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A connection as the embedding application sees it in events.
 *
 * @param id the transport's identifier of the connection, as it appears in logs
 * @param handshake what the client's upgrade request said
 */
public record ConnectionInfo(String id, HandshakeRequest handshake) {

  /**
   * Checks that both parts are present.
   *
   * @param id the transport's identifier of the connection, as it appears in logs
   * @param handshake what the client's upgrade request said
   */
  public ConnectionInfo {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(handshake, "handshake");
  }

  /**
   * The peer's address, or {@code null} when the transport has none.
   *
   * @return the peer's address, or {@code null} when the transport has none
   */
  public InetSocketAddress remoteAddress() {
    return handshake.remoteAddress();
  }
}
