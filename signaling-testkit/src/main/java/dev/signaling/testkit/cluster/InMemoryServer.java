package dev.signaling.testkit.cluster;

import dev.signaling.core.SignalingException;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.cluster.ClusterMember;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.cluster.InMemoryCluster.LogEntry;
import dev.signaling.testkit.cluster.InMemoryCluster.LogEpoch;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One server's {@link Cluster} on an {@link InMemoryCluster}: a reader thread that delivers the
 * log in order, a single thread that delivers messages in order, and the appends this server has
 * not yet read back (kept for a log reset, as the SPI asks).
 */
final class InMemoryServer implements Cluster {

  private final InMemoryCluster network;
  private final String serverId;
  private final ExecutorService inbox;
  private final ArrayDeque<Pending> unapplied = new ArrayDeque<>();
  private volatile ClusterMember member;
  private Thread reader;
  private LogEpoch epoch;
  private long seq;
  private boolean closed;
  private volatile boolean stopped;

  InMemoryServer(InMemoryCluster network, String serverId) {
    this.network = network;
    this.serverId = serverId;
    this.inbox = Executors.newSingleThreadExecutor(r -> daemon(r, "in-memory-cluster-bus-" + serverId));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void join(ClusterMember member) {
    this.member = Objects.requireNonNull(member, "member");
    CountDownLatch caughtUp = new CountDownLatch(1);
    int target;
    synchronized (network) {
      epoch = network.currentLog();
      target = epoch.entries.size();
    }
    reader = daemon(() -> readLoop(target, caughtUp), "in-memory-cluster-log-" + serverId);
    reader.start();
    try {
      if (!caughtUp.await(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new SignalingException("could not read the in-memory log within " + TestClient.TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignalingException("interrupted while joining", e);
    }
  }

  @Override
  public String serverId() {
    return serverId;
  }

  @Override
  public void append(String event) {
    synchronized (network) {
      if (closed) {
        return;
      }
      Pending p = new Pending(++seq, event);
      unapplied.add(p);
      network.appendEvent(epoch, serverId, p.seq, event);
    }
  }

  @Override
  public void send(String serverId, String message) {
    if (isRunning()) {
      network.deliver(this.serverId, serverId, message);
    }
  }

  @Override
  public void broadcast(String message) {
    if (isRunning()) {
      network.deliver(serverId, null, message);
    }
  }

  @Override
  public Duration failureTimeout() {
    return network.failureTimeout();
  }

  /** Leaves: the others read that this server is gone, at once. */
  @Override
  public void close() {
    synchronized (network) {
      if (closed) {
        return;
      }
      closed = true;
    }
    network.appendGone(serverId);
    stop();
  }

  void halt() {
    synchronized (network) {
      closed = true;
    }
    stop();
  }

  boolean isRunning() {
    synchronized (network) {
      return member != null && !closed;
    }
  }

  void receive(String message) {
    if (!stopped && member != null) {
      inbox.execute(() -> {
        if (!stopped) {
          member.onMessage(message);
        }
      });
    }
  }

  private void stop() {
    stopped = true;
    inbox.shutdownNow();
    synchronized (network) {
      network.notifyAll();
    }
    Thread t = reader;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(TestClient.TIMEOUT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Delivers the log, one entry at a time and outside the network's monitor. */
  private void readLoop(int joinTarget, CountDownLatch caughtUp) {
    int cursor = 0;
    if (joinTarget == 0) {
      caughtUp.countDown();
    }
    while (true) {
      LogEntry entry = null;
      boolean reset = false;
      synchronized (network) {
        while (!stopped && cursor >= epoch.entries.size() && epoch.next == null) {
          try {
            network.wait();
          } catch (InterruptedException e) {
            return;
          }
        }
        if (stopped) {
          return;
        }
        if (cursor < epoch.entries.size()) {
          entry = epoch.entries.get(cursor++);
        } else {
          cursor = 0; // the old log is read to its end: switch (in republish)
          reset = true;
        }
      }
      if (reset) {
        republish();
      } else {
        deliver(entry);
      }
      if (cursor >= joinTarget) {
        caughtUp.countDown();
      }
    }
  }

  private void deliver(LogEntry entry) {
    if (entry.gone() != null) {
      member.onServerGone(entry.gone());
      return;
    }
    if (serverId.equals(entry.origin())) {
      synchronized (network) {
        while (!unapplied.isEmpty() && unapplied.peek().seq <= entry.seq()) {
          unapplied.poll();
        }
      }
    }
    member.onEvent(entry.event(), entry.position());
  }

  /**
   * After a reset: switches to the new log, then appends the member's re-publication first, then
   * the appends the old log did not deliver. The switch and the re-publication are one step under
   * the network's monitor, as the SPI asks: an append made before it goes to the old log (refused,
   * so it waits here and follows the sync), one made after it follows the sync. Switching earlier
   * would let an append enter the new log ahead of the sync, and be appended again behind it.
   */
  private void republish() {
    synchronized (network) {
      epoch = epoch.next;
      if (closed) {
        return;
      }
      String sync = member.onLogReset();
      List<Pending> old = new ArrayList<>(unapplied);
      unapplied.clear();
      Pending first = new Pending(++seq, sync);
      unapplied.add(first);
      network.appendEvent(epoch, serverId, first.seq, sync);
      for (Pending p : old) {
        Pending again = new Pending(++seq, p.event);
        unapplied.add(again);
        network.appendEvent(epoch, serverId, again.seq, again.event);
      }
    }
  }

  @Override
  public String toString() {
    return serverId;
  }

  /** An append not yet read back. */
  private record Pending(long seq, String event) {}
}
