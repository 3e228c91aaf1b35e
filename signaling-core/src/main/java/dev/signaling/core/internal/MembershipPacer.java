package dev.signaling.core.internal;

/**
 * Decides when one connection's paced membership changes ({@code presence}, and {@code
 * participants} other than its register's answer) may go, as PROTOCOL.md's Timeliness says: at
 * once when none went in the current slot of the membership interval, else when the next slot
 * begins. So a lone change never waits (one that comes an interval or more after the previous one
 * is always in a later slot), and one that follows another waits at most one interval. Slots are
 * the same for every connection, so the connections that waited are flushed together and share
 * the newest list's bytes.
 *
 * <p>Called only under its outbox's monitor.
 */
final class MembershipPacer {

  private final long intervalNanos;
  private final Scheduler scheduler;
  private final Runnable wake;
  /** The slot in which membership changes were last handed to the transport, if ever. */
  private long slot;
  private boolean sent;
  /** A wake is scheduled for when the waiting changes may go. */
  private boolean wakeScheduled;

  /**
   * @param wake flushes the outbox once the waiting changes may go; called on the scheduler's
   *     thread, without the outbox's monitor
   */
  MembershipPacer(long intervalNanos, Scheduler scheduler, Runnable wake) {
    this.intervalNanos = intervalNanos;
    this.scheduler = scheduler;
    this.wake = wake;
  }

  /**
   * Whether the membership changes at the head of the outbox must wait. If they may go, the
   * current slot is taken; if not, a wake is scheduled for when the next one begins.
   */
  boolean mustWait() {
    if (intervalNanos == 0) {
      return false;
    }
    long now = scheduler.nanos();
    long current = Math.floorDiv(now, intervalNanos);
    if (!sent || current != slot) {
      sent = true;
      slot = current;
      return false;
    }
    if (!wakeScheduled) {
      wakeScheduled = scheduler.schedule(wake, (current + 1) * intervalNanos - now);
      if (!wakeScheduled) {
        return false; // the relay is closed and has no timer any more: send them now
      }
    }
    return true;
  }

  /** The scheduled wake is running. */
  void woke() {
    wakeScheduled = false;
  }
}
