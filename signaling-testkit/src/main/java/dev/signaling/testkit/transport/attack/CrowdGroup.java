package dev.signaling.testkit.transport.attack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Connections of a {@link Crowd} that behave alike. What it sends is queued on each connection in
 * order and written as fast as the server takes it; what it observes is counted: connected,
 * answered {@code 101}, answered another status, closed by the server (a close frame's code, or
 * the end of the TCP connection). Thread-safe; {@link #await} waits on those counts.
 */
public final class CrowdGroup {

  final Crowd crowd;
  final boolean reads;
  final int size;
  /** Only the crowd's thread. */
  final List<CrowdPeer> peers = new ArrayList<>();
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger failedToConnect = new AtomicInteger();
  final AtomicInteger upgraded = new AtomicInteger();
  final AtomicInteger ended = new AtomicInteger();
  final AtomicLong bytesSent = new AtomicLong();
  final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  final Map<Integer, AtomicInteger> closeCodes = new ConcurrentHashMap<>();
  /** The first complete answer seen for each HTTP status (head, and the body up to the end). */
  final Map<Integer, String> answers = new ConcurrentHashMap<>();
  /** Set by the crowd's thread when a count moved; waiters are woken once per loop. */
  volatile boolean changed;

  /** Periodic sends: only the crowd's thread. */
  private final List<Periodic> periodic = new ArrayList<>();

  private record Periodic(long periodNanos, byte[] bytes, long[] next) {}

  CrowdGroup(Crowd crowd, int size, boolean reads) {
    this.crowd = crowd;
    this.size = size;
    this.reads = reads;
  }

  /** Queues {@code bytes} on every connection of the group. */
  public CrowdGroup send(byte[] bytes) {
    byte[] copy = bytes.clone();
    crowd.submit(() -> peers.forEach(p -> p.queue(copy, 1)));
    return this;
  }

  /** Queues on each connection its own bytes: {@code bytesFor.apply(i)} on the i-th (from 0). */
  public CrowdGroup sendEach(IntFunction<byte[]> bytesFor) {
    crowd.submit(() -> {
      for (int i = 0; i < peers.size(); i++) {
        peers.get(i).queue(bytesFor.apply(i), 1);
      }
    });
    return this;
  }

  /**
   * Queues {@code unit} repeated {@code times} on every connection, generated as it is written
   * (for streams of millions of frames).
   */
  public CrowdGroup sendRepeated(byte[] unit, long times) {
    byte[] copy = unit.clone();
    crowd.submit(() -> peers.forEach(p -> p.queue(copy, times)));
    return this;
  }

  /** Queues {@code bytes} on every connection once per {@code period}, from now until closed. */
  public CrowdGroup sendEvery(Duration period, byte[] bytes) {
    byte[] copy = bytes.clone();
    crowd.submit(() -> periodic.add(new Periodic(period.toNanos(), copy, new long[] {System.nanoTime()})));
    return this;
  }

  /** Runs the periodic sends that are due; returns when the next one is (crowd's thread). */
  long runPeriodic(long now) {
    long next = Long.MAX_VALUE;
    for (Periodic p : periodic) {
      if (p.next()[0] <= now) {
        peers.forEach(peer -> peer.queue(p.bytes(), 1));
        p.next()[0] = now + p.periodNanos();
      }
      next = Math.min(next, p.next()[0]);
    }
    return next;
  }

  /** Closes every connection of the group (their end counts in {@link #ended()}). */
  public void close() {
    CountDownLatch done = new CountDownLatch(1);
    crowd.submit(() -> {
      periodic.clear();
      peers.forEach(CrowdPeer::end);
      done.countDown();
    });
    try {
      done.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until {@code condition} holds for this group, or the timeout passes.
   *
   * @return whether it holds
   */
  public boolean await(Predicate<CrowdGroup> condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (!condition.test(this)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  void notifyIfChanged() {
    if (changed) {
      changed = false;
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** Connections in the group. */
  public int size() {
    return size;
  }

  /** Connections established (TCP). */
  public int connected() {
    return connected.get();
  }

  /** Connections that could not even be opened. */
  public int failedToConnect() {
    return failedToConnect.get();
  }

  /** Connections answered {@code 101 Switching Protocols}. */
  public int upgraded() {
    return upgraded.get();
  }

  /** Connections that ended: closed by the server (or reset), or by {@link #close()}. */
  public int ended() {
    return ended.get();
  }

  /** Bytes written to the server so far, all connections together. */
  public long bytesSent() {
    return bytesSent.get();
  }

  /** How many connections got each HTTP status. */
  public Map<Integer, Integer> statuses() {
    return snapshot(statuses);
  }

  /** How many connections got a close frame with each code. */
  public Map<Integer, Integer> closeCodes() {
    return snapshot(closeCodes);
  }

  /** Connections that got a close frame with {@code code}. */
  public int closedWith(int code) {
    AtomicInteger n = closeCodes.get(code);
    return n == null ? 0 : n.get();
  }

  /** The first whole answer with this status (for a {@code 101}, its head), or {@code null}. */
  public String answer(int status) {
    return answers.get(status);
  }

  private static Map<Integer, Integer> snapshot(Map<Integer, AtomicInteger> counts) {
    Map<Integer, Integer> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  @Override
  public String toString() {
    return "CrowdGroup[size=" + size + ", connected=" + connected + ", upgraded=" + upgraded
        + ", ended=" + ended + ", statuses=" + statuses() + ", closeCodes=" + closeCodes()
        + ", bytesSent=" + bytesSent + ']';
  }
}
