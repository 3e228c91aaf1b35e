package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.InboundBudget;
import org.java_websocket.exceptions.LimitExceededException;

/**
 * Something of a connection's decoder that holds received bytes until a frame or a message is
 * whole (its partial frame, its fragmented message), and reserves them in the connection's
 * {@link InboundAccount}, so that it gives back exactly what it reserved. Only the connection's
 * decoder thread.
 */
abstract class HeldBytes {

  /** The reason of a {@code 1009} when the server-wide budget for partial messages sheds the connection. */
  static final String OVER_BUDGET = InboundBudget.OVER_BUDGET_REASON;

  final int maxMessageBytes;
  private final InboundAccount account;
  private long reserved;

  HeldBytes(InboundAccount account, int maxMessageBytes) {
    this.account = account;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Reserves {@code bytes} more.
   *
   * @throws LimitExceededException ({@code 1009}) when the budget sheds this connection
   */
  final void reserve(long bytes) throws LimitExceededException {
    if (!account.reserve(bytes)) {
      throw new LimitExceededException(OVER_BUDGET, maxMessageBytes);
    }
    reserved += bytes;
  }

  /** Gives back everything reserved here. */
  final void releaseAll() {
    if (reserved > 0) {
      account.release(reserved);
      reserved = 0;
    }
  }
}
