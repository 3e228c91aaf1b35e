package dev.signaling.cluster.redis;

import dev.signaling.testkit.transport.attack.ForkedServer;
import dev.signaling.testkit.transport.attack.ServerProcess;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A signaling server of a test's cluster in a process of its own ({@link ForkedServer}), so that a
 * test can freeze it (SIGSTOP) or kill it (SIGKILL) as an operating system would. The cluster comes
 * from system properties ({@link #options}); the server's settings are {@link ServerProcess}'s.
 */
public final class ClusterServerMain {

  private ClusterServerMain() {}

  /** Starts a forked server of the cluster of {@code servers}, on its Redis, with its prefix. */
  static ForkedServer start(RedisServer redis, Servers servers, Duration failureTimeout, Map<String, String> settings) {
    return ForkedServer.start(ClusterServerMain.class, List.of("-Xmx128m",
        "-Dcluster.redis=" + redis.uri(),
        "-Dcluster.prefix=" + servers.prefix(),
        "-Dcluster.failureTimeoutMillis=" + failureTimeout.toMillis()), settings);
  }

  /** Serves with the settings in {@code args} (see {@link ServerProcess}). */
  public static void main(String[] args) throws IOException {
    ServerProcess.serve(args, () -> SignalingServer.builder().cluster(
        RedisCluster.builder(System.getProperty("cluster.redis"))
            .keyPrefix(System.getProperty("cluster.prefix"))
            .failureTimeout(Duration.ofMillis(Long.getLong("cluster.failureTimeoutMillis")))
            .connect()));
  }
}
