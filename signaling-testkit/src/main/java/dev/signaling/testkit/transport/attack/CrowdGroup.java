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

  /** The longest prefix {@link #watch} takes, in bytes. */
  static final int MAX_WATCHED = 128;

  final Crowd crowd;
  final boolean reads;
  /** Bytes a second each connection reads at most; 0: as fast as they come. */
  final long readRate;
  /** Whether its connections answer the server's pings (those that read at a bounded rate do). */
  final boolean answersPings;
  final int size;
  /** Changed by the crowd's thread only (as connections open). */
  final List<CrowdPeer> peers = new java.util.concurrent.CopyOnWriteArrayList<>();
  final AtomicInteger connected = new AtomicInteger();
  final AtomicInteger failedToConnect = new AtomicInteger();
  final AtomicInteger upgraded = new AtomicInteger();
  final AtomicInteger ended = new AtomicInteger();
  final AtomicLong bytesSent = new AtomicLong();
  final AtomicLong bytesReceived = new AtomicLong();
  /** Rate-limited connections waiting for their allowance: only the crowd's thread. */
  final List<CrowdPeer> paused = new ArrayList<>();
  private final List<Watch> watches = new java.util.concurrent.CopyOnWriteArrayList<>();
  final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  final Map<Integer, AtomicInteger> closeCodes = new ConcurrentHashMap<>();
  /** The first complete answer seen for each HTTP status (head, and the body up to the end). */
  final Map<Integer, String> answers = new ConcurrentHashMap<>();
  /** Set by the crowd's thread when a count moved; waiters are woken once per loop. */
  volatile boolean changed;

  /** Periodic sends: only the crowd's thread. */
  private final List<Periodic> periodic = new ArrayList<>();

  private record Periodic(long periodNanos, byte[] bytes, long[] next) {}

  /** Text messages that start with {@code prefix}: how many came, to how many connections. */
  private record Watch(String text, byte[] prefix, AtomicInteger messages, AtomicInteger receivers) {}

  CrowdGroup(Crowd crowd, int size, boolean reads, long readRate) {
    this.crowd = crowd;
    this.size = size;
    this.reads = reads;
    this.readRate = readRate;
    this.answersPings = readRate > 0;
  }

  /**
   * Counts the text messages the group receives that start with {@code prefix} (at most 128
   * bytes of UTF-8): {@link #received(String)}, {@link #receivers(String)}. Set it before the
   * server can send such a message.
   */
  public CrowdGroup watch(String prefix) {
    byte[] bytes = prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (bytes.length > MAX_WATCHED) {
      throw new IllegalArgumentException("a watched prefix has at most " + MAX_WATCHED + " bytes: " + prefix);
    }
    watches.add(new Watch(prefix, bytes, new AtomicInteger(), new AtomicInteger()));
    return this;
  }

  /** A text message came to {@code peer}; {@code start} holds its first bytes (crowd's thread). */
  void textReceived(byte[] start, int length, CrowdPeer peer) {
    for (int i = 0; i < watches.size(); i++) {
      Watch w = watches.get(i);
      if (length >= w.prefix().length && java.util.Arrays.equals(start, 0, w.prefix().length, w.prefix(), 0,
          w.prefix().length)) {
        w.messages().incrementAndGet();
        if (!peer.matched.get(i)) {
          peer.matched.set(i);
          w.receivers().incrementAndGet();
        }
        changed = true;
      }
    }
  }

  private Watch watched(String prefix) {
    for (Watch w : watches) {
      if (w.text().equals(prefix)) {
        return w;
      }
    }
    throw new IllegalArgumentException("not watched: " + prefix);
  }

  /** Text messages received so far that start with {@code prefix} (which must be {@linkplain #watch watched}). */
  public int received(String prefix) {
    return watched(prefix).messages().get();
  }

  /** Connections that received at least one text message that starts with {@code prefix}. */
  public int receivers(String prefix) {
    return watched(prefix).receivers().get();
  }

  /** Queues {@code bytes} on every connection of the group. */
  public CrowdGroup send(byte[] bytes) {
    byte[] copy = bytes.clone();
    crowd.submit(() -> peers.forEach(p -> p.queue(copy, 1)));
    return this;
  }

  /** Queues on each connection its own bytes: {@code bytesFor.apply(i)} on the i-th (from 0). */
  public CrowdGroup sendEach(IntFunction<byte[]> bytesFor) {
    return sendEach(bytesFor, 1);
  }

  /** Queues on each connection its own bytes, repeated {@code times} (generated as they are written). */
  public CrowdGroup sendEach(IntFunction<byte[]> bytesFor, long times) {
    crowd.submit(() -> {
      for (int i = 0; i < peers.size(); i++) {
        peers.get(i).queue(bytesFor.apply(i), times);
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

  /**
   * Runs the periodic sends that are due and lets paused connections read again; returns when
   * the next is due (crowd's thread).
   */
  long runPeriodic(long now) {
    long next = Long.MAX_VALUE;
    for (java.util.Iterator<CrowdPeer> it = paused.iterator(); it.hasNext(); ) {
      CrowdPeer peer = it.next();
      if (peer.resumeAt <= now) {
        peer.resumeReading();
        it.remove();
      } else {
        next = Math.min(next, peer.resumeAt);
      }
    }
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

  /**
   * Connections that have written at least {@code bytes} to the server, or ended: those that
   * have sent all of the same-sized attack, or were shed trying.
   */
  public int finished(long bytes) {
    int n = 0;
    for (CrowdPeer peer : peers) {
      if (peer.ended || peer.sent >= bytes) {
        n++;
      }
    }
    return n;
  }

  /** Bytes read from the server so far, all connections together. */
  public long bytesReceived() {
    return bytesReceived.get();
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
