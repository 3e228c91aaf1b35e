package dev.signaling.cluster.redis;

import dev.signaling.core.cluster.ClusterMember;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log reader: one thread, on a connection of its own, that delivers the log to the member in
 * order, and moves to a new epoch once it has read the old log to its end (so that every server
 * re-publishes the same state, and this one re-appends exactly the events the old log did not
 * take).
 */
final class LogReader implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(LogReader.class);

  /** How long an XREAD waits for new entries, so that a new epoch is noticed promptly. */
  static final long BLOCK_MILLIS = 200;
  /** Pause after a failed read before the next try (Redis unreachable). */
  private static final long RETRY_PAUSE_MILLIS = 100;
  private static final int BATCH = 512;

  private final StatefulRedisConnection<String, String> connection;
  private final Keys keys;
  private final String serverId;
  private final Appends appends;
  private final ClusterMember member;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  /** The entry id to reach before {@link #awaitCaughtUp} returns; null: no wait. */
  private volatile String joinTarget;
  private volatile boolean stopped;

  /**
   * @param joinTarget the last entry of the log when the server joined (null: it was empty)
   */
  LogReader(StatefulRedisConnection<String, String> connection, Keys keys, String serverId, Appends appends,
      ClusterMember member, String joinTarget) {
    this.connection = connection;
    this.keys = keys;
    this.serverId = serverId;
    this.appends = appends;
    this.member = member;
    this.joinTarget = joinTarget;
  }

  /** Waits until the member has been given the log as it was when the server joined. */
  boolean awaitCaughtUp(long millis) throws InterruptedException {
    return caughtUp.await(millis, TimeUnit.MILLISECONDS);
  }

  /** The loop ends within {@link #BLOCK_MILLIS} or a failed read's pause. */
  void stop() {
    stopped = true;
  }

  @Override
  public void run() {
    String reading = appends.epoch();
    String after = "0-0";
    if (joinTarget == null) {
      caughtUp.countDown();
    }
    while (!stopped) {
      String next = appends.nextEpoch();
      if (next != null && !next.equals(reading)) {
        String[] progress = {after};
        boolean drained = drain(reading, progress);
        after = progress[0];
        if (drained) {
          appends.switchTo(next, member::onLogReset);
          reading = next;
          after = "0-0";
        }
        continue;
      }
      List<StreamMessage<String, String>> batch;
      try {
        batch = connection.sync().xread(XReadArgs.Builder.block(BLOCK_MILLIS).count(BATCH),
            XReadArgs.StreamOffset.from(keys.log(reading), after));
      } catch (RuntimeException e) {
        if (stopped) {
          break;
        }
        log.debug("Reading the cluster log failed; retrying", e);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MILLIS));
        continue;
      }
      for (StreamMessage<String, String> entry : batch) {
        after = entry.getId();
        deliver(entry.getBody(), position(after));
        String target = joinTarget;
        if (target != null && compareIds(after, target) >= 0) {
          joinTarget = null;
          caughtUp.countDown();
        }
      }
    }
  }

  /**
   * Reads what is left of a log that takes no more appends (it is still there after a
   * compaction); false if Redis failed meanwhile.
   *
   * @param after in: the last entry read; out: the last entry read now
   */
  private boolean drain(String epoch, String[] after) {
    try {
      while (!stopped) {
        List<StreamMessage<String, String>> batch = connection.sync().xread(XReadArgs.Builder.count(BATCH),
            XReadArgs.StreamOffset.from(keys.log(epoch), after[0]));
        if (batch.isEmpty()) {
          return true;
        }
        for (StreamMessage<String, String> entry : batch) {
          after[0] = entry.getId();
          deliver(entry.getBody(), position(after[0]));
        }
      }
      return false;
    } catch (RuntimeException e) {
      log.debug("Reading the end of the old log failed; retrying", e);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(RETRY_PAUSE_MILLIS));
      return false;
    }
  }

  private void deliver(Map<String, String> entry, long position) {
    try {
      String gone = entry.get("gone");
      if (gone != null) {
        member.onServerGone(gone);
        return;
      }
      if (serverId.equals(entry.get("s"))) {
        appends.applied(Long.parseLong(entry.get("q")));
      }
      member.onEvent(entry.get("e"), position);
    } catch (RuntimeException e) {
      log.error("Applying a cluster log entry failed; skipped", e);
    }
  }

  /**
   * A stream id {@code <millis>-<seq>} as one number that grows along the log, and across epochs
   * too: a new stream's ids start at Redis's current time, after every older one.
   */
  static long position(String id) {
    int dash = id.indexOf('-');
    return (Long.parseLong(id, 0, dash, 10) << 20) + Long.parseLong(id, dash + 1, id.length(), 10);
  }

  /** Stream ids are {@code <millis>-<seq>}. */
  static int compareIds(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int c = Long.compare(Long.parseLong(a, 0, da, 10), Long.parseLong(b, 0, db, 10));
    return c != 0 ? c : Long.compare(Long.parseLong(a, da + 1, a.length(), 10),
        Long.parseLong(b, db + 1, b.length(), 10));
  }
}
