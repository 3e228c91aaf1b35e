package dev.signaling.cluster.redis;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.WebSocketTestClient;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private final List<Server> servers = new ArrayList<>();

  Servers(RedisServer redis, Duration failureTimeout) {
    this(redis, failureTimeout, 100_000);
  }

  Servers(RedisServer redis, Duration failureTimeout, long maxLogEntries) {
    this.redis = redis;
    this.failureTimeout = failureTimeout;
    this.maxLogEntries = maxLogEntries;
  }

  /** Starts one more server of this cluster. */
  Server start(SignalingConfig config, SignalingListener listener) {
    RedisCluster cluster = RedisCluster.builder(redis.uri())
        .keyPrefix(prefix)
        .failureTimeout(failureTimeout)
        .maxLogEntries(maxLogEntries)
        .connect();
    SignalingServer server = SignalingServer.builder().host("127.0.0.1").port(0)
        .config(config).listener(listener).cluster(cluster).start();
    Server s = new Server(server, cluster, "s" + servers.size());
    servers.add(s);
    return s;
  }

  Server start(SignalingConfig config) {
    return start(config, SignalingListener.NONE);
  }

  List<Server> all() {
    return servers;
  }

  @Override
  public void close() {
    servers.forEach(Server::close);
  }

  /** One server of the cluster, as a {@link TestServer}. */
  static final class Server implements TestServer {
    final SignalingServer server;
    final RedisCluster cluster;
    private final String name;
    private final List<WebSocketTestClient> clients = new CopyOnWriteArrayList<>();
    private final AtomicInteger names = new AtomicInteger();

    Server(SignalingServer server, RedisCluster cluster, String name) {
      this.server = server;
      this.cluster = cluster;
      this.name = name;
    }

    @Override
    public SignalingHub hub() {
      return server.hub();
    }

    @Override
    public WebSocketTestClient connect() throws Exception {
      WebSocketTestClient client = WebSocketTestClient.connect(name + "-client-" + names.incrementAndGet(), server.webSocketUri());
      clients.add(client);
      return client;
    }

    @Override
    public void close() {
      server.close();
      clients.forEach(WebSocketTestClient::close);
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
