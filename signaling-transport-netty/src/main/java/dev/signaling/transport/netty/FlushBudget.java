package dev.signaling.transport.netty;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * How many bytes an event loop hands to its sockets between two turns at reading them. Netty runs
 * a loop's tasks for up to a second before it reads again; a join storm gives it a task per
 * connection with the newest {@code participants} list, and on loopback the kernel takes them as
 * fast as they come, so the loop would write lists while registers and upgrades wait (clients hit
 * the handshake timeout). Past {@link #BYTES_PER_TURN}, a connection's flush waits for the loop's
 * next turn, after its reads: its bytes stay counted as queued meanwhile, so the core's outbox
 * replaces the list still waiting there with the newer one instead of sending both. Far above
 * what any other workload writes in one turn.
 *
 * <p>One per event loop thread; used on that thread only.
 */
final class FlushBudget {

  /** What a loop may write in one turn; one flush larger than this still goes at the turn's start. */
  static final int BYTES_PER_TURN = 4 << 20;

  private static final FastThreadLocal<FlushBudget> PER_LOOP = new FastThreadLocal<>() {
    @Override
    protected FlushBudget initialValue() {
      return new FlushBudget();
    }
  };

  private long left = BYTES_PER_TURN;
  private boolean renewalScheduled;

  private FlushBudget() {}

  /**
   * Takes {@code bytes} from the current turn's budget of {@code loop} (called on it), or returns
   * false: then the caller schedules its flush with {@link #later}.
   */
  static boolean take(EventLoop loop, int bytes) {
    FlushBudget budget = PER_LOOP.get();
    if (bytes <= budget.left || budget.left == BYTES_PER_TURN) {
      budget.left -= bytes;
      return true;
    }
    if (!budget.renewalScheduled) {
      budget.renewalScheduled = later(loop, budget::renew);
      if (!budget.renewalScheduled) {
        return true; // the loop is stopping: no budget to keep
      }
    }
    return false;
  }

  /**
   * Runs {@code task} on {@code loop} after its next reads: a scheduled task due at once is taken
   * only when the loop next starts running tasks, which is after it polled its sockets. Tasks
   * scheduled this way run in the order they were scheduled, the budget's renewal first.
   *
   * @return false if the loop is stopping and takes no more tasks
   */
  static boolean later(EventLoop loop, Runnable task) {
    try {
      loop.schedule(task, 0, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void renew() {
    left = BYTES_PER_TURN;
    renewalScheduled = false;
  }
}
