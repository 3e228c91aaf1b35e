package dev.signaling.core.internal;

import dev.signaling.core.RateLimit;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.Ticker;

/**
 * One connection's rate limits: messages, bytes of fan-out it causes, and registers (only when
 * an authenticator runs), each a token bucket; and at most one {@code rate limit exceeded} error
 * a second for everything they drop. Each bucket is used by one thread at a time (a connection's
 * messages are handled one at a time); the error's throttle is shared, so it is synchronized.
 */
final class InboundGate {

  private static final long ERROR_INTERVAL_NANOS = 1_000_000_000L;

  /** What the gate says about one message. */
  enum Verdict {
    /** Within the limits: handle it. */
    PASS,
    /** Over a limit: drop it silently (an error went out less than a second ago). */
    DROP,
    /** Over a limit: drop it and tell the sender. */
    DROP_AND_TELL
  }

  private final Ticker ticker;
  /** Null when off. */
  private final TokenBucket messages;
  private final TokenBucket fanout;
  private final TokenBucket registers;
  private long lastErrorNanos;
  private boolean errorSent;

  InboundGate(SignalingConfig config) {
    this.ticker = config.ticker();
    this.messages = config.rateLimited()
        ? bucket(new RateLimit(config.rateLimitPerSecond(), config.rateLimitBurst()))
        : null;
    this.fanout = bucket(config.fanoutLimit());
    this.registers = bucket(config.registerLimit());
  }

  private TokenBucket bucket(RateLimit limit) {
    return limit.isOn() ? new TokenBucket(ticker, limit) : null;
  }

  /** Takes one message through the message rate limit. */
  Verdict admit() {
    return messages == null || messages.tryTake() ? Verdict.PASS : refuse();
  }

  /** Charges the bytes a message of this connection makes the server send to others. */
  Verdict chargeFanout(long bytes) {
    return fanout == null || fanout.tryTake(bytes) ? Verdict.PASS : refuse();
  }

  /** Takes one register through the per-connection register limit (before an authenticator runs). */
  Verdict admitRegister() {
    return registers == null || registers.tryTake() ? Verdict.PASS : refuse();
  }

  /** A message dropped for a limit outside this gate (shared by several connections). */
  Verdict refuse() {
    long now = ticker.nanos();
    synchronized (this) {
      if (!errorSent || now - lastErrorNanos >= ERROR_INTERVAL_NANOS) {
        errorSent = true;
        lastErrorNanos = now;
        return Verdict.DROP_AND_TELL;
      }
      return Verdict.DROP;
    }
  }
}
