package dev.signaling.core.internal;

/**
 * The time and the timer the relay's delayed work runs on (membership pacing). Injected, so
 * that tests step time instead of waiting for real slot boundaries.
 */
interface Scheduler {

  /** The current time in nanoseconds, on the same clock as the delays of {@link #schedule}. */
  long nanos();

  /**
   * Runs {@code task} once after {@code delayNanos}.
   *
   * @return false if the task will never run (the relay is closed): the caller does its work now
   */
  boolean schedule(Runnable task, long delayNanos);

  /**
   * Drops what waits (the relay's shutdown sends it anyway); every later {@link #schedule}
   * returns false.
   */
  void shutdown();
}
