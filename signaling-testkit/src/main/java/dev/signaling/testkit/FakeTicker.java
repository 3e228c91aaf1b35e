package dev.signaling.testkit;

import dev.signaling.core.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that moves only when the test says so. */
public final class FakeTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long nanos() {
    return nanos.get();
  }

  /** Moves time forward. */
  public void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }
}
