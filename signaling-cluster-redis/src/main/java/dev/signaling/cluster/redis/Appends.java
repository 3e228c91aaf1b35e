package dev.signaling.cluster.redis;

import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's appends to the log. Each is numbered, and the append script takes only the next
 * number of this server in the epoch: so an event enters the log at most once and in order, and
 * is kept here (and resent when Redis asks, or when it is stale) until the reader sees it in the
 * log. When the log moves to a new epoch, the re-publication goes first, then the events the old
 * log did not take. Never blocks on the network. Thread-safe.
 */
final class Appends {

  private static final Logger log = LoggerFactory.getLogger(Appends.class);

  private final Keys keys;
  private final String serverId;
  private final StatefulRedisConnection<String, String> commands;
  private final String appendSha;
  private final long maxLogEntries;
  private final Duration failureTimeout;
  private final long staleNanos;

  private final Object lock = new Object();
  // Guarded by lock.
  private final ArrayDeque<Pending> unapplied = new ArrayDeque<>();
  private long seq;
  /** The epoch this server appends to and reads. */
  private String epoch;
  private boolean closed;

  /** A newer epoch seen by a tick or a refused append; the reader switches to it. */
  private volatile String nextEpoch;
  /** Set when Redis asked for a resend (a gap, a lost script); the next tick resends. */
  private volatile boolean resendNow;

  Appends(Keys keys, String serverId, StatefulRedisConnection<String, String> commands, String appendSha,
      long maxLogEntries, Duration failureTimeout, Duration tickInterval) {
    this.keys = keys;
    this.serverId = serverId;
    this.commands = commands;
    this.appendSha = appendSha;
    this.maxLogEntries = maxLogEntries;
    this.failureTimeout = failureTimeout;
    this.staleNanos = tickInterval.toNanos() * 2;
  }

  /** The epoch this server appends to and reads. */
  String epoch() {
    synchronized (lock) {
      return epoch;
    }
  }

  /** Starts in {@code current}, the epoch read when joining. */
  void start(String current) {
    synchronized (lock) {
      epoch = current;
    }
  }

  /** A newer epoch than the one read, or null. */
  String nextEpoch() {
    return nextEpoch;
  }

  /** A tick saw that the log is now {@code current}. */
  void seen(String current) {
    if (!current.equals(epoch())) {
      nextEpoch = current;
    }
  }

  /** Appends one event (dropped after {@link #close}). */
  void append(String event) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      Pending p = new Pending(++seq, event, false);
      unapplied.add(p);
      send(p);
    }
  }

  /** The reader saw this server's event number {@code applied} in the log: it and those before are done. */
  void applied(long applied) {
    synchronized (lock) {
      while (!unapplied.isEmpty() && unapplied.peek().seq <= applied) {
        unapplied.poll();
      }
    }
  }

  /**
   * Switches to a new epoch (the reader read the old log to its end): appends the
   * re-publication first, then the events not yet seen applied, in order. {@code republication}
   * is asked while no other append can slip in ahead of it.
   */
  void switchTo(String newEpoch, Supplier<String> republication) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      log.info("Server {}: the cluster log moved to a new epoch ({} -> {}: compaction, or Redis lost its data); re-publishing this server's nodes",
          serverId, epoch, newEpoch);
      epoch = newEpoch;
      List<Pending> old = new ArrayList<>(unapplied);
      unapplied.clear();
      Pending sync = new Pending(++seq, republication.get(), true);
      unapplied.add(sync);
      send(sync);
      for (Pending p : old) {
        Pending again = new Pending(++seq, p.event, p.sync);
        unapplied.add(again);
        send(again);
      }
    }
  }

  /** Resends every append not yet read back, in order (Redis drops those it already took). */
  void resendIfStale() {
    synchronized (lock) {
      Pending oldest = unapplied.peek();
      if (closed || oldest == null) {
        return;
      }
      if (resendNow || System.nanoTime() - oldest.sentAtNanos > staleNanos) {
        resendNow = false;
        for (Pending p : unapplied) {
          send(p);
        }
      }
    }
  }

  /** Takes no more appends; false if closed already. */
  boolean close() {
    synchronized (lock) {
      boolean first = !closed;
      closed = true;
      return first;
    }
  }

  /** Sends one pending append to Redis; guarded by lock. */
  private void send(Pending p) {
    String to = epoch;
    p.sentAtNanos = System.nanoTime();
    try {
      commands.async().<List<Object>>evalsha(appendSha, ScriptOutputType.MULTI,
              new String[] {keys.epoch(), keys.log(to), keys.seqs(to), keys.servers(), keys.synced(to)},
              to, serverId, Long.toString(p.seq), p.event, Long.toString(maxLogEntries), RedisCluster.newId(),
              Long.toString(failureTimeout.toMillis() * 2), p.sync ? "1" : "0")
          .whenComplete((reply, error) -> appended(to, reply, error));
    } catch (RedisException e) {
      resendNow = true; // rejected at once (disconnected): the next tick resends
    }
  }

  private void appended(String to, List<Object> reply, Throwable error) {
    if (error != null) {
      if (String.valueOf(error.getMessage()).contains("NOSCRIPT")) {
        commands.async().scriptLoad(Scripts.APPEND); // Redis restarted and forgot it
      }
      resendNow = true;
      return;
    }
    String outcome = String.valueOf(reply.get(0));
    if (outcome.equals("gap")) {
      resendNow = true;
    } else if (outcome.equals("epoch")) {
      String current = String.valueOf(reply.get(1));
      if (!current.isEmpty() && !current.equals(to)) {
        nextEpoch = current;
      }
    }
  }

  /** One append of this server, until the reader sees it in the log. */
  private static final class Pending {
    final long seq;
    final String event;
    /** A re-publication after a reset (the servers that made one may let the log be compacted). */
    final boolean sync;
    long sentAtNanos;

    Pending(long seq, String event, boolean sync) {
      this.seq = seq;
      this.event = event;
      this.sync = sync;
    }
  }
}
