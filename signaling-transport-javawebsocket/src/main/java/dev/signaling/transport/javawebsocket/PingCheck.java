package dev.signaling.transport.javawebsocket;

import java.nio.ByteBuffer;

/**
 * The liveness of one connection: the server pings it once per interval with a payload of its
 * own (8 random bytes, a new one for every ping), and only a pong that echoes the payload of the
 * ping still awaited answers it (RFC 6455 §5.5.3). Unsolicited pongs, and pongs of older pings,
 * do not count: a client that never reads cannot keep its connection alive by sending pongs. A
 * connection whose ping is still unanswered when the next one is due is dead.
 *
 * <p>Thread-safe: the endpoint's timer pings, the decoder thread reports pongs.
 */
final class PingCheck {

  static final int PAYLOAD_BYTES = Long.BYTES;

  private long awaited;
  private boolean waiting;

  /**
   * The next ping's payload, made of {@code token}, or {@code null} when the last ping is still
   * unanswered: the connection is dead.
   */
  synchronized byte[] nextPing(long token) {
    if (waiting) {
      return null;
    }
    waiting = true;
    awaited = token;
    return ByteBuffer.allocate(PAYLOAD_BYTES).putLong(token).array();
  }

  /** A pong arrived with {@code payload}; it answers the ping awaited if it echoes it. */
  synchronized void pong(ByteBuffer payload) {
    if (waiting && payload.remaining() == PAYLOAD_BYTES && payload.getLong(payload.position()) == awaited) {
      waiting = false;
    }
  }

  /** Whether a ping is awaiting its pong. */
  synchronized boolean isWaiting() {
    return waiting;
  }
}
