package dev.signaling.core;

/**
 * A monotonic time source in nanoseconds, like {@link System#nanoTime()}. Injected through
 * {@link SignalingConfig.Builder#ticker(Ticker)} so that tests can move time instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

  /** The system's monotonic clock. */
  Ticker SYSTEM = System::nanoTime;

  /**
   * The current time in nanoseconds; only differences between two readings mean anything.
   *
   * @return the current time in nanoseconds
   */
  long nanos();
}
