package dev.signaling.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with jitter, capped: the delay before reconnection attempt {@code n} (from
 * 0) is {@code min(max, initial * multiplier^n)}, reduced by a random fraction of at most {@code
 * jitter} of itself, so that clients that lost the same server do not all return at the same
 * instant. It never exceeds {@code max}.
 *
 * @param initial the delay before the first attempt
 * @param max the cap
 * @param multiplier the growth per failed attempt, at least 1
 * @param jitter the largest fraction taken off at random, from 0 (none) to 1
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

  /** Half a second, doubling up to 30 seconds, with up to half of each delay taken off at random. */
  public static final Backoff DEFAULT = exponential(Duration.ofMillis(500), Duration.ofSeconds(30));

  /**
   * Checks the values.
   *
   * @param initial the delay before the first attempt
   * @param max the cap
   * @param multiplier the growth per failed attempt, at least 1
   * @param jitter the largest fraction taken off at random, from 0 (none) to 1
   */
  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial must be positive: " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max must be at least initial: " + max + " < " + initial);
    }
    if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("jitter must be in 0..1: " + jitter);
    }
  }

  /**
   * Doubling from {@code initial} up to {@code max}, jitter 0.5.
   *
   * @param initial the delay before the first attempt
   * @param max the cap
   * @return the backoff
   */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, max, 2, 0.5);
  }

  /**
   * The delay before attempt {@code attempt}.
   *
   * @param attempt 0 for the first attempt after a loss
   * @param random a value in {@code [0, 1)} that picks the jitter
   * @return the delay, at least one nanosecond and at most {@link #max()}
   */
  public Duration delay(int attempt, double random) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative: " + attempt);
    }
    double maxNanos = max.toNanos();
    double base = Math.min(maxNanos, initial.toNanos() * Math.pow(multiplier, attempt));
    double jittered = base * (1 - jitter * Math.min(Math.max(random, 0), 1));
    return Duration.ofNanos(Math.max(1, (long) jittered));
  }
}
