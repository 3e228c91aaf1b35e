package dev.signaling.cluster.redis;

import dev.signaling.core.SignalingException;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.cluster.ClusterMember;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Cluster} on one Redis server (standalone; 6.2 or later), through Lettuce. Every
 * signaling server of the cluster gets its own instance, pointed at the same Redis and key
 * prefix:
 *
 * <pre>{@code
 * SignalingServer server = SignalingServer.builder()
 *     .port(3001)
 *     .cluster(RedisCluster.connect("redis://10.0.0.5:6379"))
 *     .start();
 * }</pre>
 *
 * <p><b>In Redis.</b> The log is a stream per epoch ({@code {prefix}:log:<epoch>}), appended by a
 * script that takes each server's events at most once and in order; leases are a sorted set of
 * expiry times, renewed by a script that also declares expired servers gone, exactly once, in
 * the log. Each server has its own pub/sub channel ({@code {prefix}:to:<serverId>}) for the
 * signals of its nodes, and all share one ({@code {prefix}:all}) for heartbeats.
 *
 * <p><b>Failures.</b> When Redis is unreachable, appends wait (and are appended once it is back,
 * each once), messages between servers are dropped, and Lettuce reconnects. When Redis lost its
 * data (restarted without persistence), the first server to notice starts a new epoch; every
 * server then re-publishes its nodes into the new log.
 *
 * <p>Thread-safe. The hub that is given this instance owns it and closes it.
 */
public final class RedisCluster implements Cluster {

  private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** How long a reader's XREAD waits for new entries, so it notices a new epoch promptly. */
  private static final long READ_BLOCK_MILLIS = 200;
  /** Pause after a failed read or tick before the next try (Redis unreachable). */
  private static final long RETRY_PAUSE_MILLIS = 100;
  private static final int READ_BATCH = 512;
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
  private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

  private final String serverId = newId();
  private final Keys keys;
  private final Duration failureTimeout;
  private final Duration tickInterval;
  private final long leaseMillis;
  private final long maxLogEntries;

  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisConnection<String, String> reader;
  private final StatefulRedisPubSubConnection<String, String> pubsub;
  private final String appendSha;

  private final ScheduledExecutorService ticker;
  private Thread readerThread;
  private volatile ClusterMember member;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  /** The entry id the reader must reach before {@link #join} returns; null: no wait. */
  private volatile String joinTarget;

  // Appends: guarded by appendLock.
  private final Object appendLock = new Object();
  private final ArrayDeque<Pending> unapplied = new ArrayDeque<>();
  private long seq;
  /** The epoch this server appends to and reads. */
  private String epoch;
  private boolean closed;
  /** A newer epoch seen by a tick or a refused append; the reader switches to it. */
  private volatile String nextEpoch;
  /** Set when Redis asked for a resend (a gap, a lost script); the next tick resends. */
  private volatile boolean resendNow;
  private volatile boolean stopped;

  private RedisCluster(Builder b) {
    this.keys = new Keys(b.keyPrefix);
    this.failureTimeout = b.failureTimeout;
    this.tickInterval = failureTimeout.dividedBy(8);
    this.leaseMillis = failureTimeout.minus(tickInterval).toMillis();
    this.maxLogEntries = b.maxLogEntries;
    this.resources = DefaultClientResources.builder()
        .ioThreadPoolSize(2)
        .computationThreadPoolSize(1)
        .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofMillis(500), 2, TimeUnit.MILLISECONDS))
        .build();
    RedisURI uri = RedisURI.create(b.uri);
    uri.setTimeout(COMMAND_TIMEOUT);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // Nothing piles up in Lettuce while Redis is away: appends are kept (and resent) here,
        // messages between servers are dropped, as documented.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .build());
    try {
      this.commands = client.connect();
      this.reader = client.connect();
      this.pubsub = client.connectPubSub();
      this.appendSha = commands.sync().scriptLoad(Scripts.APPEND);
    } catch (RedisException e) {
      shutDownClient();
      throw new SignalingException("cannot connect to Redis at " + b.uri + ": " + e.getMessage(), e);
    }
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "signaling-cluster-tick-" + serverId);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects to the Redis at this URI (e.g. {@code redis://127.0.0.1:6379}) with the defaults.
   *
   * @param redisUri the Redis URI, e.g. {@code redis://10.0.0.5:6379}
   * @return a cluster connected to that Redis, for {@code SignalingServer.Builder.cluster}
   */
  public static RedisCluster connect(String redisUri) {
    return builder(redisUri).connect();
  }

  /**
   * A builder for a cluster on the Redis at this URI.
   *
   * @param redisUri the Redis URI, e.g. {@code redis://10.0.0.5:6379}
   * @return a builder for a cluster on the Redis at this URI
   */
  public static Builder builder(String redisUri) {
    return new Builder(redisUri);
  }

  @Override
  public String serverId() {
    return serverId;
  }

  @Override
  public Duration failureTimeout() {
    return failureTimeout;
  }

  // ------------------------------------------------------------------ join

  @Override
  public void join(ClusterMember member) {
    this.member = Objects.requireNonNull(member, "member");
    try {
      pubsub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          receive(channel, message);
        }
      });
      pubsub.sync().subscribe(keys.channel(serverId), keys.all());
      String current = tick(true);
      synchronized (appendLock) {
        epoch = current;
      }
      List<StreamMessage<String, String>> last =
          commands.sync().xrevrange(keys.log(current), Range.create("-", "+"), Limit.from(1));
      joinTarget = last.isEmpty() ? null : last.get(0).getId();
    } catch (RedisException e) {
      close();
      throw new SignalingException("cannot join the cluster in Redis: " + e.getMessage(), e);
    }
    readerThread = new Thread(this::readLoop, "signaling-cluster-log-" + serverId);
    readerThread.setDaemon(true);
    readerThread.start();
    try {
      if (!caughtUp.await(JOIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        close();
        throw new SignalingException("could not read the cluster's log within " + JOIN_TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new SignalingException("interrupted while joining the cluster", e);
    }
    long period = tickInterval.toMillis();
    ticker.scheduleWithFixedDelay(this::tickQuietly, period, period, TimeUnit.MILLISECONDS);
    log.info("Server {} joined the signaling cluster '{}' (epoch {})", serverId, keys.prefix, epochNow());
  }

  // ------------------------------------------------------------------ appends

  @Override
  public void append(String event) {
    synchronized (appendLock) {
      if (closed) {
        return;
      }
      Pending p = new Pending(++seq, event, false);
      unapplied.add(p);
      send(p);
    }
  }

  /** Sends one pending append to Redis; guarded by appendLock. */
  private void send(Pending p) {
    String to = epoch;
    p.sentAtNanos = System.nanoTime();
    try {
      commands.async().<List<Object>>evalsha(appendSha, ScriptOutputType.MULTI,
              new String[] {keys.epoch(), keys.log(to), keys.seqs(to), keys.servers(), keys.synced(to)},
              to, serverId, Long.toString(p.seq), p.event, Long.toString(maxLogEntries), newId(),
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

  /** Resends every append not yet read back, in order (Redis drops those it already took). */
  private void resendIfStale() {
    synchronized (appendLock) {
      Pending oldest = unapplied.peek();
      if (closed || oldest == null) {
        return;
      }
      boolean stale = System.nanoTime() - oldest.sentAtNanos > tickInterval.toNanos() * 2;
      if (resendNow || stale) {
        resendNow = false;
        for (Pending p : unapplied) {
          send(p);
        }
      }
    }
  }

  // ------------------------------------------------------------------ the log reader

  private void readLoop() {
    String reading = epochNow();
    String after = "0-0";
    if (joinTarget == null) {
      caughtUp.countDown();
    }
    while (!stopped) {
      String next = nextEpoch;
      if (next != null && !next.equals(reading)) {
        // The old log takes no more appends: read it to its end first (it is still there after
        // a compaction), so that every server re-publishes the same state, and this server
        // re-appends exactly the events the old log did not take.
        String[] progress = {after};
        boolean drained = drain(reading, progress);
        after = progress[0];
        if (!drained) {
          continue;
        }
        reset(next);
        reading = next;
        after = "0-0";
        continue;
      }
      List<StreamMessage<String, String>> batch;
      try {
        batch = reader.sync().xread(XReadArgs.Builder.block(READ_BLOCK_MILLIS).count(READ_BATCH),
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
   * Reads what is left of a log that takes no more appends; false if Redis failed meanwhile.
   *
   * @param after in: the last entry read; out: the last entry read now
   */
  private boolean drain(String epoch, String[] after) {
    try {
      while (!stopped) {
        List<StreamMessage<String, String>> batch = reader.sync().xread(XReadArgs.Builder.count(READ_BATCH),
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
      String origin = entry.get("s");
      if (serverId.equals(origin)) {
        long applied = Long.parseLong(entry.get("q"));
        synchronized (appendLock) {
          while (!unapplied.isEmpty() && unapplied.peek().seq <= applied) {
            unapplied.poll();
          }
        }
      }
      member.onEvent(entry.get("e"), position);
    } catch (RuntimeException e) {
      log.error("Applying a cluster log entry failed; skipped", e);
    }
  }

  /**
   * Switches to a new epoch: the hub starts a fresh replica and re-publishes its nodes, which
   * enter the new log first; then the appends it has not seen applied yet, in order.
   */
  private void reset(String newEpoch) {
    synchronized (appendLock) {
      if (closed) {
        return;
      }
      log.info("Server {}: the cluster log moved to a new epoch ({} -> {}: compaction, or Redis lost its data); re-publishing this server's nodes",
          serverId, epoch, newEpoch);
      epoch = newEpoch;
      List<Pending> old = new ArrayList<>(unapplied);
      unapplied.clear();
      Pending sync = new Pending(++seq, member.onLogReset(), true);
      unapplied.add(sync);
      send(sync);
      for (Pending p : old) {
        Pending again = new Pending(++seq, p.event, p.sync);
        unapplied.add(again);
        send(again);
      }
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

  // ------------------------------------------------------------------ leases

  private void tickQuietly() {
    try {
      String current = tick(false);
      if (!current.equals(epochNow())) {
        nextEpoch = current;
      }
      resendIfStale();
    } catch (RuntimeException e) {
      log.debug("Renewing the lease failed (Redis unreachable?); retrying", e);
    }
  }

  /** Renews this server's lease, declares expired servers gone, and returns the epoch. */
  private String tick(boolean joining) {
    return commands.sync().eval(Scripts.TICK, ScriptOutputType.VALUE,
        new String[] {keys.epoch(), keys.servers(), keys.lastTick()},
        serverId, newId(), Long.toString(leaseMillis), keys.logPrefix(), keys.syncedPrefix(),
        joining ? "1" : "0");
  }

  private String epochNow() {
    synchronized (appendLock) {
      return epoch;
    }
  }

  // ------------------------------------------------------------------ messages

  @Override
  public void send(String serverId, String message) {
    publish(keys.channel(serverId), message);
  }

  @Override
  public void broadcast(String message) {
    publish(keys.all(), serverId + '|' + message);
  }

  private void publish(String channel, String message) {
    if (!commands.isOpen()) {
      return; // at most once: dropped while Redis is unreachable
    }
    try {
      commands.async().publish(channel, message);
    } catch (RedisException e) {
      log.debug("Dropping a message for {}: Redis unreachable", channel);
    }
  }

  private void receive(String channel, String message) {
    ClusterMember m = member;
    if (m == null) {
      return;
    }
    if (channel.equals(keys.all())) {
      int bar = message.indexOf('|');
      if (bar < 0 || message.regionMatches(0, serverId, 0, bar) && bar == serverId.length()) {
        return; // our own broadcast
      }
      m.onMessage(message.substring(bar + 1));
    } else {
      m.onMessage(message);
    }
  }

  // ------------------------------------------------------------------ lifecycle

  @Override
  public void close() {
    synchronized (appendLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      commands.async().eval(Scripts.LEAVE, ScriptOutputType.INTEGER,
              new String[] {keys.epoch(), keys.servers()}, serverId, keys.logPrefix())
          .toCompletableFuture().get(CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Server {} could not tell the cluster it leaves; the others notice within {}",
          serverId, failureTimeout, e);
    }
    stop();
  }

  /**
   * Stops at once, as a crashed server would: no leave in the log, the lease just expires. For
   * failure tests.
   */
  void halt() {
    synchronized (appendLock) {
      closed = true;
    }
    stop();
  }

  private void stop() {
    stopped = true;
    ticker.shutdownNow();
    Thread t = readerThread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(READ_BLOCK_MILLIS * 5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    shutDownClient();
  }

  private void shutDownClient() {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    } catch (RuntimeException e) {
      log.debug("Shutting the Redis client down failed", e);
    }
    resources.shutdown(0, 2, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "RedisCluster[" + keys.prefix + ", server " + serverId + ']';
  }

  private static String newId() {
    return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
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

  /** The names of this cluster's keys and channels; one hash tag, so one slot. */
  private record Keys(String prefix) {
    String tag() {
      return "{" + prefix + "}";
    }

    String epoch() {
      return tag() + ":epoch";
    }

    String servers() {
      return tag() + ":servers";
    }

    String lastTick() {
      return tag() + ":tick";
    }

    String logPrefix() {
      return tag() + ":log:";
    }

    String log(String epoch) {
      return logPrefix() + epoch;
    }

    String seqs(String epoch) {
      return tag() + ":seq:" + epoch;
    }

    String syncedPrefix() {
      return tag() + ":synced:";
    }

    String synced(String epoch) {
      return syncedPrefix() + epoch;
    }

    String channel(String server) {
      return tag() + ":to:" + server;
    }

    String all() {
      return tag() + ":all";
    }
  }

  /** Configures a {@link RedisCluster}; {@link #connect()} connects to Redis. */
  public static final class Builder {
    private final String uri;
    private String keyPrefix = "signaling";
    private Duration failureTimeout = Duration.ofSeconds(8);
    private long maxLogEntries = 100_000;

    private Builder(String uri) {
      this.uri = Objects.requireNonNull(uri, "uri");
    }

    /**
     * The prefix of every key and channel, so that several clusters can share one Redis. Every
     * server of one cluster uses the same. Default {@code "signaling"}.
     *
     * @param prefix the prefix
     * @return this builder
     */
    public Builder keyPrefix(String prefix) {
      Objects.requireNonNull(prefix, "keyPrefix");
      if (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
        throw new IllegalArgumentException("keyPrefix must be non-empty, without braces: " + prefix);
      }
      this.keyPrefix = prefix;
      return this;
    }

    /**
     * How long a server may be silent before the others declare it gone and send {@code presence
     * leave} for its nodes (it renews its lease every eighth of this). Default 8 s; at least
     * 400 ms. Every server of one cluster uses the same.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder failureTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "failureTimeout");
      if (timeout.toMillis() < 400) {
        throw new IllegalArgumentException("failureTimeout must be at least 400 ms: " + timeout);
      }
      this.failureTimeout = timeout;
      return this;
    }

    /**
     * Entries the log may hold before it is compacted: a new epoch starts, into which every
     * server re-publishes its nodes (clients see nothing of it unless something changed).
     * Default 100,000.
     *
     * @param entries the number of entries
     * @return this builder
     */
    public Builder maxLogEntries(long entries) {
      if (entries < 16) {
        throw new IllegalArgumentException("maxLogEntries must be at least 16: " + entries);
      }
      this.maxLogEntries = entries;
      return this;
    }

    /**
     * Connects to Redis (and loads the scripts); the server joins the cluster when a hub is
     * created with it.
     *
     * @return the connected cluster
     * @throws SignalingException if Redis cannot be reached
     */
    public RedisCluster connect() {
      return new RedisCluster(this);
    }
  }
}
