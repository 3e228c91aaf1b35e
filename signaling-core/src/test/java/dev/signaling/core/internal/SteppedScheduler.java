package dev.signaling.core.internal;

import java.time.Duration;
import java.util.PriorityQueue;

/** A {@link Scheduler} whose time moves only when the test says so; due tasks run in the caller. */
final class SteppedScheduler implements Scheduler {

  private record Task(long due, long order, Runnable action) {}

  private final PriorityQueue<Task> tasks = new PriorityQueue<>(
      (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.order, b.order));
  private long now;
  private long scheduled;
  private boolean shutDown;

  /** Starts at {@code start} nanoseconds. */
  SteppedScheduler(long start) {
    this.now = start;
  }

  @Override
  public synchronized long nanos() {
    return now;
  }

  @Override
  public synchronized boolean schedule(Runnable task, long delayNanos) {
    if (shutDown) {
      return false;
    }
    tasks.add(new Task(now + delayNanos, scheduled++, task));
    return true;
  }

  @Override
  public synchronized void shutdown() {
    shutDown = true;
    tasks.clear();
  }

  /** Moves time forward by {@code step}, running every task that falls due, in due order. */
  void advance(Duration step) {
    long until;
    synchronized (this) {
      until = now + step.toNanos();
    }
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.due > until) {
          now = until;
          return;
        }
        tasks.poll();
        now = next.due;
      }
      next.action.run();
    }
  }

  /** How many tasks wait. */
  synchronized int pending() {
    return tasks.size();
  }
}
