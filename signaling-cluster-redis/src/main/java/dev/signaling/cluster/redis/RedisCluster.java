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
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(30);
  private static final long CLOSE_TIMEOUT_MILLIS = 2_000;

  private final String serverId = newId();
  private final Keys keys;
  private final Duration failureTimeout;
  private final Duration tickInterval;
  private final long leaseMillis;

  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> commands;
  private final StatefulRedisConnection<String, String> readerConnection;
  private final StatefulRedisPubSubConnection<String, String> pubsub;
  private final Appends appends;

  private final ScheduledExecutorService ticker;
  private volatile ClusterMember member;
  private LogReader reader;
  private Thread readerThread;

  private RedisCluster(Builder b) {
    this.keys = new Keys(b.keyPrefix);
    this.failureTimeout = b.failureTimeout;
    this.tickInterval = failureTimeout.dividedBy(8);
    this.leaseMillis = failureTimeout.minus(tickInterval).toMillis();
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
        // Nothing piles up in Lettuce while Redis is away: appends are kept (and resent) by
        // Appends, messages between servers are dropped, as documented.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .build());
    try {
      this.commands = client.connect();
      this.readerConnection = client.connect();
      this.pubsub = client.connectPubSub();
      String appendSha = commands.sync().scriptLoad(Scripts.APPEND);
      this.appends = new Appends(keys, serverId, commands, appendSha, b.maxLogEntries, failureTimeout, tickInterval);
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

  @Override
  public void join(ClusterMember member) {
    this.member = Objects.requireNonNull(member, "member");
    String joinTarget;
    try {
      pubsub.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          receive(channel, message);
        }
      });
      pubsub.sync().subscribe(keys.channel(serverId), keys.all());
      String current = tick(true);
      appends.start(current);
      List<StreamMessage<String, String>> last =
          commands.sync().xrevrange(keys.log(current), Range.create("-", "+"), Limit.from(1));
      joinTarget = last.isEmpty() ? null : last.get(0).getId();
    } catch (RedisException e) {
      close();
      throw new SignalingException("cannot join the cluster in Redis: " + e.getMessage(), e);
    }
    reader = new LogReader(readerConnection, keys, serverId, appends, member, joinTarget);
    readerThread = new Thread(reader, "signaling-cluster-log-" + serverId);
    readerThread.setDaemon(true);
    readerThread.start();
    try {
      if (!reader.awaitCaughtUp(JOIN_TIMEOUT.toMillis())) {
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
    log.info("Server {} joined the signaling cluster '{}' (epoch {})", serverId, keys.prefix(), appends.epoch());
  }

  @Override
  public void append(String event) {
    appends.append(event);
  }

  private void tickQuietly() {
    try {
      appends.seen(tick(false));
      appends.resendIfStale();
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

  @Override
  public void close() {
    if (!appends.close()) {
      return;
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
   * Has the cluster declare this server gone now, as the expiry of its lease after a pause longer
   * than the failure timeout would, while it goes on running (it renews its lease at its next
   * tick, reads that it was declared gone, and re-publishes its nodes). For failure tests.
   */
  void expireLease() {
    commands.sync().eval(Scripts.LEAVE, ScriptOutputType.INTEGER,
        new String[] {keys.epoch(), keys.servers()}, serverId, keys.logPrefix());
  }

  /**
   * Stops at once, as a crashed server would: no leave in the log, the lease just expires. For
   * failure tests.
   */
  void halt() {
    appends.close();
    stop();
  }

  private void stop() {
    ticker.shutdownNow();
    LogReader r = reader;
    if (r != null) {
      r.stop();
    }
    Thread t = readerThread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(LogReader.BLOCK_MILLIS * 5);
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
    return "RedisCluster[" + keys.prefix() + ", server " + serverId + ']';
  }

  /** A random id: a server's, or an epoch's. */
  static String newId() {
    return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
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
