package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.InboundBudget;
import org.java_websocket.exceptions.LimitExceededException;

/**
 * What one holder of a connection's received bytes (its partial frame, its fragmented message)
 * has reserved in the connection's {@link InboundBudget.Account}, so that it gives back exactly
 * that. Without an account (the endpoint's draft template) nothing is reserved. Only the
 * connection's decoder thread.
 */
final class Reservation {

  private final InboundBudget.Account account;
  private final int maxMessageBytes;
  private long reserved;

  Reservation(InboundBudget.Account account, int maxMessageBytes) {
    this.account = account;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * Reserves {@code bytes} more.
   *
   * @throws LimitExceededException ({@code 1009}) when the budget sheds this connection
   */
  void reserve(long bytes) throws LimitExceededException {
    if (account == null) {
      return;
    }
    if (!account.reserve(bytes)) {
      throw new LimitExceededException(FrameReader.OVER_BUDGET, maxMessageBytes);
    }
    reserved += bytes;
  }

  /** Gives back everything this holder reserved. */
  void releaseAll() {
    if (account != null && reserved > 0) {
      account.release(reserved);
    }
    reserved = 0;
  }
}
