package dev.signaling.core.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections that have not registered within {@link
 * dev.signaling.core.SignalingConfig#registerTimeout()} ({@code 1008 register timeout}), so that
 * idle sockets cannot hoard connection slots, and on the same round forgets the per-address
 * register buckets that are full again. A sweep over the open connections at most once a second
 * (or once per timeout when shorter) on the relay's scheduler, started with the first
 * connection: a connection closes at most that long after its deadline.
 */
final class RegisterDeadline {

  private static final Logger log = LoggerFactory.getLogger(RegisterDeadline.class);

  private final Scheduler scheduler;
  private final Connections connections;
  private final Authentications authentications;
  /** 0: off. */
  private final long timeoutNanos;
  private final long periodNanos;
  private final AtomicBoolean started = new AtomicBoolean();
  private final Consumer<Throwable> fatal;

  RegisterDeadline(Duration timeout, Scheduler scheduler, Connections connections, Authentications authentications,
      Consumer<Throwable> fatal) {
    this.fatal = fatal;
    this.scheduler = scheduler;
    this.connections = connections;
    this.authentications = authentications;
    this.timeoutNanos = timeout.toNanos();
    this.periodNanos = timeoutNanos == 0 ? Duration.ofSeconds(1).toNanos()
        : Math.min(timeoutNanos, Duration.ofSeconds(1).toNanos());
  }

  /** A connection opened: starts the sweeps if they are not running. */
  void opened() {
    if (!started.get() && started.compareAndSet(false, true)) {
      scheduler.schedule(this::sweep, periodNanos);
    }
  }

  private void sweep() {
    try {
      if (timeoutNanos > 0) {
        long now = scheduler.nanos();
        for (Session s : connections.all()) {
          if (!s.registered() && now - s.openedAt() >= timeoutNanos) {
            s.close(1008, "register timeout");
          }
        }
      }
      authentications.prune();
    } catch (RuntimeException e) {
      log.error("Unexpected failure in the register deadline's sweep; it goes on", e);
    } catch (Error e) {
      fatal.accept(e);
      return;
    }
    scheduler.schedule(this::sweep, periodNanos); // false once the relay closed: then it stops
  }
}
