package dev.signaling.core.internal;

import dev.signaling.core.Ticker;

/**
 * A token bucket: {@code perSecond} tokens refill each second up to {@code burst}. Not
 * thread-safe: each connection's messages arrive one at a time, so each owns one bucket.
 */
final class TokenBucket {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Ticker ticker;
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(Ticker ticker, int perSecond, int burst) {
    this.ticker = ticker;
    this.perNano = perSecond / (double) NANOS_PER_SECOND;
    this.burst = burst;
    this.tokens = burst;
    this.last = ticker.nanos();
  }

  /** Takes one token if there is one. */
  boolean tryTake() {
    long now = ticker.nanos();
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perNano);
      last = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
