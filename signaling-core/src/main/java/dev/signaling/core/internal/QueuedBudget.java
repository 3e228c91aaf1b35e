package dev.signaling.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server-wide budget of unsent bytes that connections hold alone ({@link
 * dev.signaling.core.SignalingConfig#maxTotalQueuedBytes()}): forwarded signals and answers to
 * one connection, from the moment they are queued until the transport reports its queue empty
 * or the connection closes. Broadcasts are encoded once and shared by every recipient, so they
 * are not counted here (each connection's own cap counts them).
 *
 * <p>When the budget is passed, the connections that hold the most are closed as slow consumers
 * until it holds again. Counting is a striped add; the sum is looked at only when a connection's
 * own share passes its send window, so connections that read keep the hot path as it was.
 */
final class QueuedBudget {

  private record Share(Session session, long held) {}

  private final long max;
  private final Connections connections;
  private final LongAdder total = new LongAdder();
  private final AtomicBoolean shedding = new AtomicBoolean();

  QueuedBudget(long max, Connections connections) {
    this.max = max;
    this.connections = connections;
  }

  /** A connection's share changed by {@code bytes}. */
  void add(long bytes) {
    total.add(bytes);
  }

  /** The bytes held alone across all connections. */
  long total() {
    return total.sum();
  }

  /**
   * Sheds the connections holding the most while the budget is passed. Called by a connection
   * whose own share is large, never under a lock. One caller sheds at a time; the others go on.
   */
  void check() {
    if (total.sum() <= max || !shedding.compareAndSet(false, true)) {
      return;
    }
    try {
      // Shares read once: they change while we sort.
      List<Share> shares = new ArrayList<>();
      for (Session s : connections.all()) {
        long held = s.heldAlone();
        if (held > 0) {
          shares.add(new Share(s, held));
        }
      }
      shares.sort(Comparator.comparingLong(Share::held).reversed());
      for (Share share : shares) {
        if (total.sum() <= max) {
          break;
        }
        share.session().slowConsumer();
      }
    } finally {
      shedding.set(false);
    }
  }
}
