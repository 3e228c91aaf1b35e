package dev.signaling.core.internal;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.Ticker;

/**
 * One connection's message rate limit: a token bucket, and at most one {@code rate limit
 * exceeded} error a second for the messages it drops. Not thread-safe: a connection's messages
 * arrive one at a time.
 */
final class InboundGate {

  private static final long ERROR_INTERVAL_NANOS = 1_000_000_000L;

  private final Ticker ticker;
  /** Null when rate limiting is off. */
  private final TokenBucket bucket;
  private long lastErrorNanos;
  private boolean errorSent;

  InboundGate(SignalingConfig config) {
    this.ticker = config.ticker();
    this.bucket = config.rateLimited()
        ? new TokenBucket(ticker, config.rateLimitPerSecond(), config.rateLimitBurst())
        : null;
  }

  /** What the gate says about one message. */
  enum Verdict {
    /** Within the limit: handle it. */
    PASS,
    /** Over the limit: drop it silently (an error went out less than a second ago). */
    DROP,
    /** Over the limit: drop it and tell the sender. */
    DROP_AND_TELL
  }

  /** Takes one message through the gate. */
  Verdict admit() {
    if (bucket == null || bucket.tryTake()) {
      return Verdict.PASS;
    }
    long now = ticker.nanos();
    if (!errorSent || now - lastErrorNanos >= ERROR_INTERVAL_NANOS) {
      errorSent = true;
      lastErrorNanos = now;
      return Verdict.DROP_AND_TELL;
    }
    return Verdict.DROP;
  }
}
