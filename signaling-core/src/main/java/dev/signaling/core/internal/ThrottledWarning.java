package dev.signaling.core.internal;

import dev.signaling.core.Ticker;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A warning that clients could otherwise trigger with every message, such as the application's
 * listener, authenticator or role policy throwing: logged at WARN at most once a minute, saying
 * how many occurrences since then went to DEBUG only. A bug still shows in the log; no client can
 * flood it.
 */
final class ThrottledWarning {

  static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final Logger log;
  private final Ticker ticker;
  private final AtomicLong nextWarning;
  private final AtomicLong suppressed = new AtomicLong();

  ThrottledWarning(Logger log, Ticker ticker) {
    this.log = log;
    this.ticker = ticker;
    this.nextWarning = new AtomicLong(ticker.nanos());
  }

  /**
   * Logs one occurrence.
   *
   * @param message an SLF4J pattern with one {@code {}}
   * @param argument its argument: never a payload or a secret
   * @param failure what was thrown
   */
  void log(String message, Object argument, Throwable failure) {
    long skipped = claim();
    if (skipped < 0) {
      log.debug(message, argument, failure);
    } else if (skipped == 0) {
      log.warn(message, argument, failure);
    } else {
      log.warn(message + " ({} more in the last minute, logged at DEBUG)", argument, skipped, failure);
    }
  }

  /**
   * Whether this occurrence may be logged at WARN: {@code -1} if not, otherwise how many
   * occurrences were not since the last one that was.
   */
  long claim() {
    long now = ticker.nanos();
    long next = nextWarning.get();
    if (now - next >= 0 && nextWarning.compareAndSet(next, now + INTERVAL_NANOS)) {
      return suppressed.getAndSet(0);
    }
    suppressed.incrementAndGet();
    return -1;
  }
}
