package dev.signaling.cluster.redis;

import dev.signaling.core.cluster.Cluster;
import dev.signaling.testkit.cluster.ClusterContract;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cluster SPI's contract, kept by {@link RedisCluster} on a real Redis (one per test). */
class RedisClusterSpiTest extends ClusterContract {

  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @RegisterExtension
  final RedisServer redis = new RedisServer();

  private final String prefix = "spi" + PREFIXES.incrementAndGet() + "-" + ProcessHandle.current().pid();

  @Override
  protected Cluster newServer() {
    return RedisCluster.builder(redis.uri()).keyPrefix(prefix).failureTimeout(Duration.ofSeconds(2)).connect();
  }

  @Override
  protected void halt(Cluster server) {
    ((RedisCluster) server).halt();
  }

  @Override
  protected void expire(Cluster halted) {
    // Its lease expires by itself within the failure timeout.
  }

  @Override
  protected void loseLog() throws Exception {
    redis.restart();
  }
}
