package dev.signaling.core.internal;

import dev.signaling.core.RateLimit;
import dev.signaling.core.Ticker;

/**
 * A token bucket: {@code perSecond} tokens refill each second up to {@code burst}. A charge
 * larger than the burst passes when the bucket is not in debt, and leaves it in debt, so that one
 * large but legitimate charge (a register among 10,000 nodes) is never refused while the average
 * stays at the rate. Not thread-safe: each connection's messages arrive one at a time, so each
 * owns its buckets; a bucket shared by several connections is used under a lock.
 */
final class TokenBucket {

  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final Ticker ticker;
  private final double perNano;
  private final double burst;
  private double tokens;
  private long last;

  TokenBucket(Ticker ticker, RateLimit limit) {
    this.ticker = ticker;
    this.perNano = limit.perSecond() / (double) NANOS_PER_SECOND;
    this.burst = limit.burst();
    this.tokens = burst;
    this.last = ticker.nanos();
  }

  /** Takes one token if there is one. */
  boolean tryTake() {
    return tryTake(1);
  }

  /** Takes {@code amount} tokens if there are that many, or if it is over the burst and there is no debt. */
  boolean tryTake(long amount) {
    refill();
    if (tokens >= amount || (amount > burst && tokens >= 0)) {
      tokens -= amount;
      return true;
    }
    return false;
  }

  /** Whether the bucket is full again: it remembers nothing of its past use. */
  boolean isFull() {
    refill();
    return tokens >= burst;
  }

  private void refill() {
    long now = ticker.nanos();
    long elapsed = now - last;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perNano);
      last = now;
    }
  }
}
