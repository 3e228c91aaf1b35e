package dev.signaling.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The end of one connection, or of an attempt to open one.
 *
 * @param code the WebSocket close code; {@value #NEVER_CONNECTED} when the connection could not
 *     be opened at all, {@code 1006} when it was lost without a close frame
 * @param reason the close reason; for a connection that failed without one, what went wrong
 *     (say, a TLS certificate that is not trusted, or the HTTP status of a refused upgrade);
 *     else empty
 * @param remote whether the server (or the network) ended it, rather than this client
 * @param reconnectDelay how long the client waits before it tries again, or {@code null} when it
 *     will not (closed, replaced with {@code 4001}, refused for good, or reconnection off)
 */
public record Disconnect(int code, String reason, boolean remote, Duration reconnectDelay) {

  /** The code of a connection that could not be opened: no WebSocket close took place. */
  public static final int NEVER_CONNECTED = -1;

  /**
   * Checks that the reason is present.
   *
   * @param code the WebSocket close code; {@value #NEVER_CONNECTED} when the connection could not
   *     be opened at all, {@code 1006} when it was lost without a close frame
   * @param reason the close reason; for a connection that failed without one, what went wrong
   *     (say, a TLS certificate that is not trusted, or the HTTP status of a refused upgrade);
   *     else empty
   * @param remote whether the server (or the network) ended it, rather than this client
   * @param reconnectDelay how long the client waits before it tries again, or {@code null} when it
   *     will not (closed, replaced with {@code 4001}, refused for good, or reconnection off)
   */
  public Disconnect {
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Whether the client will connect again.
   *
   * @return whether {@link #reconnectDelay()} is set
   */
  public boolean willReconnect() {
    return reconnectDelay != null;
  }
}
