package dev.signaling.cluster.redis;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.contract.SignalingContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole protocol contract again, over real sockets, with the server in cluster mode: every
 * state change goes through the log in Redis and comes back before clients hear of it.
 */
class RedisClusterContractTest extends SignalingContract {

  @RegisterExtension
  static final RedisServer redis = new RedisServer();

  private final java.util.List<Servers> clusters = new java.util.ArrayList<>();

  @Override
  protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
    Servers cluster = new Servers(redis, Duration.ofSeconds(4));
    clusters.add(cluster);
    return cluster.start(config, listener);
  }

  @AfterEach
  void closeClusters() {
    clusters.forEach(Servers::close);
  }
}
