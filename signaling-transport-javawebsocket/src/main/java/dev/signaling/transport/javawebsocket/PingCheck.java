package dev.signaling.transport.javawebsocket;

import java.nio.ByteBuffer;

/**
 * What makes a pong count for liveness: the server pings each connection once per interval with
 * a payload of its own, 8 bytes made of a random token (a new one for every ping), and only a
 * pong that echoes the payload of the ping still awaited answers it (RFC 6455 §5.5.3). Unsolicited
 * pongs, pongs of older pings and pongs of another length do not count: a client that never reads
 * cannot keep its connection alive by sending pongs. The socket keeps the token it awaits (0 for
 * none); a connection whose ping is still unanswered when the next one is due is dead.
 */
final class PingCheck {

  static final int PAYLOAD_BYTES = Long.BYTES;

  private PingCheck() {}

  /** A token from a random number: never 0, which stands for "no ping awaited". */
  static long token(long random) {
    return random == 0 ? 1 : random;
  }

  /** The payload of the ping that carries {@code token}. */
  static byte[] payload(long token) {
    return ByteBuffer.allocate(PAYLOAD_BYTES).putLong(token).array();
  }

  /** Whether a pong's {@code payload} (from its position) echoes the ping that carried {@code token}. */
  static boolean echoes(ByteBuffer payload, long token) {
    return payload.remaining() == PAYLOAD_BYTES && payload.getLong(payload.position()) == token;
  }
}
