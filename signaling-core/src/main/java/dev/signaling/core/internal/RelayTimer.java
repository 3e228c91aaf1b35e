package dev.signaling.core.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The real {@link Scheduler}: {@link System#nanoTime()} and one daemon thread, started on first
 * use, so that a hub that never delays anything has none. Real time rather than the configured
 * ticker, because the thread waits in real time.
 */
final class RelayTimer implements Scheduler {

  private ScheduledThreadPoolExecutor executor;
  private boolean shutDown;

  @Override
  public long nanos() {
    return System.nanoTime();
  }

  @Override
  public synchronized boolean schedule(Runnable task, long delayNanos) {
    if (shutDown) {
      return false;
    }
    if (executor == null) {
      executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "signaling-membership-timer");
        thread.setDaemon(true);
        return thread;
      });
    }
    try {
      executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  @Override
  public synchronized void shutdown() {
    shutDown = true;
    if (executor != null) {
      executor.shutdownNow();
    }
  }
}
