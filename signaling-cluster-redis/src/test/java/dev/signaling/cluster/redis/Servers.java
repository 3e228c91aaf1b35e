package dev.signaling.cluster.redis;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.transport.SocketTestServer;
import dev.signaling.testkit.transport.Wire;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Signaling servers (127.0.0.1, ephemeral ports) that form one cluster on a test's Redis, under
 * a key prefix of their own so that tests never see each other.
 */
final class Servers implements AutoCloseable {

  private static final AtomicInteger CLUSTERS = new AtomicInteger();

  private final String prefix = "test" + CLUSTERS.incrementAndGet() + "-" + ProcessHandle.current().pid();
  private final RedisServer redis;
  private final Duration failureTimeout;
  private final long maxLogEntries;
  private final List<SocketTestServer> servers = new ArrayList<>();
  private final Map<TestServer, RedisCluster> links = new IdentityHashMap<>();

  Servers(RedisServer redis, Duration failureTimeout) {
    this(redis, failureTimeout, 100_000);
  }

  Servers(RedisServer redis, Duration failureTimeout, long maxLogEntries) {
    this.redis = redis;
    this.failureTimeout = failureTimeout;
    this.maxLogEntries = maxLogEntries;
  }

  /** Starts one more server of this cluster, named {@code s0}, {@code s1}, ... */
  SocketTestServer start(SignalingConfig config, SignalingListener listener) {
    RedisCluster cluster = RedisCluster.builder(redis.uri())
        .keyPrefix(prefix)
        .failureTimeout(failureTimeout)
        .maxLogEntries(maxLogEntries)
        .connect();
    SignalingServer server = SignalingServer.builder().host("127.0.0.1").port(0)
        .config(config).listener(listener).cluster(cluster).start();
    SocketTestServer s = new SocketTestServer(
        server.hub(), server.webSocketUri(), server::close, Wire.PLAIN, "s" + servers.size());
    servers.add(s);
    links.put(s, cluster);
    return s;
  }

  SocketTestServer start(SignalingConfig config) {
    return start(config, SignalingListener.NONE);
  }

  /** Stops a server's link to Redis as a crash would: no leave, its lease just expires. */
  void halt(TestServer server) {
    links.get(server).halt();
  }

  @Override
  public void close() {
    servers.forEach(SocketTestServer::close);
  }
}
