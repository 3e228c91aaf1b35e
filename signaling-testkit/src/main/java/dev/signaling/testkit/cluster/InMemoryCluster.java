package dev.signaling.testkit.cluster;

import dev.signaling.core.cluster.Cluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An in-memory stand-in for a cluster's broker: one shared, totally ordered log and a message bus
 * between the servers of one JVM, with failures the test controls. {@link #newServer()} makes the
 * {@link Cluster} for one hub; the test then declares a server gone ({@link #declareGone}), stops
 * one as a crash would ({@link #halt}), or loses the log ({@link #resetLog()}) at a moment of its
 * choosing, so that what a hub does then is tested without a broker and without wall-clock timing.
 *
 * <p>It keeps the promises of the {@link Cluster} SPI as {@code RedisCluster} does (both pass
 * {@link ClusterContract}): each server reads the log on a thread of its own, in order; appends of
 * one server enter the log once each and in call order; after a reset, each server's
 * re-publication enters the new log ahead of its other events, followed by those of its events
 * the old log had not delivered back to it. Nothing expires by itself: a server is gone only when
 * it leaves or the test declares it.
 *
 * <p>Thread-safe: the whole network is guarded by this object's monitor.
 */
public final class InMemoryCluster {

  private final Duration failureTimeout;
  private final Map<String, InMemoryServer> servers = new LinkedHashMap<>();
  private LogEpoch log = new LogEpoch();
  private long nextPosition = 1;
  private int names;

  /** A network whose servers report this failure timeout (how long a hub waits after a reset). */
  public InMemoryCluster(Duration failureTimeout) {
    this.failureTimeout = Objects.requireNonNull(failureTimeout, "failureTimeout");
  }

  /** A network whose servers report a failure timeout of 2 seconds. */
  public InMemoryCluster() {
    this(Duration.ofSeconds(2));
  }

  /** The {@link Cluster} for one more server; the hub given it joins on creation and owns it. */
  public synchronized Cluster newServer() {
    InMemoryServer server = new InMemoryServer(this, "mem-server-" + (++names));
    servers.put(server.serverId(), server);
    return server;
  }

  /**
   * Declares a server gone, as a lease expiry would: a "gone" entry enters the log, and every
   * server (that one too, if it still runs: it then re-publishes its nodes) reads it in order.
   */
  public void declareGone(String serverId) {
    appendGone(Objects.requireNonNull(serverId, "serverId"));
  }

  /**
   * Stops a server at once, as a crash would: it reads no more of the log, receives no messages,
   * and its appends are dropped. Nothing enters the log: the others learn of it only when the test
   * {@linkplain #declareGone declares} it gone.
   */
  public void halt(String serverId) {
    InMemoryServer server;
    synchronized (this) {
      server = servers.get(serverId);
    }
    if (server != null) {
      server.halt();
    }
  }

  /**
   * Loses the log, as a broker restarted without its data: the current log takes no more
   * appends, and each server, once it has read it to its end, gets {@code onLogReset()} and
   * re-publishes into a new, empty log.
   */
  public synchronized void resetLog() {
    LogEpoch old = log;
    log = new LogEpoch();
    old.next = log;
    notifyAll();
  }

  /** The ids of the servers that joined and have neither left nor halted. */
  public synchronized List<String> runningServers() {
    List<String> ids = new ArrayList<>();
    servers.values().stream().filter(InMemoryServer::isRunning).forEach(s -> ids.add(s.serverId()));
    return ids;
  }

  Duration failureTimeout() {
    return failureTimeout;
  }

  synchronized LogEpoch currentLog() {
    return log;
  }

  /** Appends an event to {@code epoch}, unless that log was lost; guarded by this. */
  synchronized boolean appendEvent(LogEpoch epoch, String origin, long seq, String event) {
    if (epoch.next != null) {
      return false; // a lost log takes nothing more; the event waits for the re-publication
    }
    epoch.entries.add(new LogEntry(nextPosition++, origin, seq, event, null));
    notifyAll();
    return true;
  }

  synchronized void appendGone(String serverId) {
    log.entries.add(new LogEntry(nextPosition++, null, 0, null, serverId));
    notifyAll();
  }

  /** Hands {@code message} to every running server in {@code to} but {@code from}. */
  void deliver(String from, String to, String message) {
    List<InMemoryServer> targets = new ArrayList<>();
    synchronized (this) {
      for (InMemoryServer s : servers.values()) {
        if (!s.serverId().equals(from) && (to == null || s.serverId().equals(to))) {
          targets.add(s);
        }
      }
    }
    targets.forEach(s -> s.receive(message));
  }

  /** One log: entries in order; {@code next} is set when it was lost and replaced. */
  static final class LogEpoch {
    final List<LogEntry> entries = new ArrayList<>();
    LogEpoch next;
  }

  /** An event some server appended, or ({@code gone != null}) a server declared gone. */
  record LogEntry(long position, String origin, long seq, String event, String gone) {}
}
