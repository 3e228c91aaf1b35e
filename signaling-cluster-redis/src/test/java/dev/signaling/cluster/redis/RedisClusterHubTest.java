package dev.signaling.cluster.redis;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.cluster.ClusterHubContract;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three signaling servers in one JVM, one cluster on a real Redis (one per test, so that losing
 * the log restarts a Redis of this test's own), over real sockets: the cluster behaviour every
 * cluster module must show. A crashed server is left for its lease to expire.
 */
class RedisClusterHubTest extends ClusterHubContract {

  /** Short, so that the tests are quick; the default is 8 s. */
  static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(2);

  @RegisterExtension
  final RedisServer redis = new RedisServer();

  private Servers cluster;

  @Override
  protected TestServer startServer(SignalingConfig config) {
    if (cluster == null) {
      cluster = new Servers(redis, FAILURE_TIMEOUT);
    }
    return cluster.start(config);
  }

  @Override
  protected Duration failureTimeout() {
    return FAILURE_TIMEOUT;
  }

  @Override
  protected void crash(TestServer server) {
    cluster.halt(server); // no goodbye: its lease just stops being renewed
  }

  @Override
  protected void expire(TestServer crashed) {
    // Its lease expires by itself within the failure timeout.
  }

  @Override
  protected void loseLog() throws Exception {
    redis.restart();
  }
}
