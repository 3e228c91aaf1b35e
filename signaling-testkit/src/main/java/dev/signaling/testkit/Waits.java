package dev.signaling.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waiting for state that no message reports (a close the hub has seen, a dropped message, a
 * cluster that converged), with Awaitility: polled every few milliseconds for at most {@link
 * TestClient#TIMEOUT}, never by sleeping a fixed time.
 */
public final class Waits {

  private static final Duration POLL = Duration.ofMillis(2);

  private Waits() {}

  /** An Awaitility condition factory named {@code what}, with the kit's timeout and poll interval. */
  public static ConditionFactory await(String what) {
    return Awaitility.await(what).atMost(TestClient.TIMEOUT).pollDelay(Duration.ZERO).pollInterval(POLL);
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming {@code what} if it does not hold within {@link TestClient#TIMEOUT}
   */
  public static void until(String what, BooleanSupplier condition) {
    until(what, TestClient.TIMEOUT, condition);
  }

  /**
   * Returns once {@code condition} holds, waiting up to {@code atMost} (for work that takes longer
   * than a message round trip, such as a whole load test draining).
   *
   * @throws AssertionError naming {@code what} if it does not hold in time
   */
  public static void until(String what, Duration atMost, BooleanSupplier condition) {
    try {
      await(what).atMost(atMost).until(condition::getAsBoolean);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not within " + atMost + ": " + what, e);
    }
  }
}
