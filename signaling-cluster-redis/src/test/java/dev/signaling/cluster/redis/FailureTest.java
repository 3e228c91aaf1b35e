package dev.signaling.cluster.redis;

import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static dev.signaling.testkit.Steps.skipHeartbeats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.Waits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only Redis has: Redis paused, and the log's compaction. (A server that dies and a Redis
 * restarted without its data are in {@link RedisClusterHubTest}, as for every cluster.) Each test has its own Redis process, so that pausing or restarting it never
 * touches another test.
 */
class FailureTest {

  /** Short, so that the tests are quick; the default is 8 s. */
  static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(2);

  @RegisterExtension
  final RedisServer redis = new RedisServer();

  private Servers cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static List<String> nodeIds(TestServer server) {
    return server.hub().participants().stream().map(Participant::nodeId).toList();
  }

  private List<TestServer> threeServers(long maxLogEntries) {
    cluster = new Servers(redis, FAILURE_TIMEOUT, maxLogEntries);
    // Unlimited: the pause test exchanges local signals as fast as it can for seconds.
    SignalingConfig config = SignalingConfig.builder().noRateLimit().build();
    return List.of(cluster.start(config), cluster.start(config), cluster.start(config));
  }

  @Test
  void whileRedisIsPaused_localServiceContinues_andThenTheClusterConverges() throws Exception {
    List<TestServer> s = threeServers(100_000);
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient a2 = joined(s.get(0), "a2", "alice2", a);
    TestClient b = joined(s.get(1), "b", "bob", a, a2);
    redis.pause();
    try {
      TestClient d = s.get(1).connect();
      d.send(register("d", "dave")); // waits for Redis
      a2.send("{\"type\":\"heartbeat\"}");
      assertThat(a.next()).as("a heartbeat on the same server").isEqualTo("{\"type\":\"heartbeat\",\"from\":\"a2\"}");
      // Longer than a lease: local signals keep flowing all along.
      long until = System.nanoTime() + FAILURE_TIMEOUT.plusMillis(500).toNanos();
      int rounds = 0;
      while (System.nanoTime() < until) {
        a.send(signal("a", "a2", "{\"round\":" + rounds + "}"));
        assertThat(a2.next()).isEqualTo(signal("a", "a2", "{\"round\":" + rounds + "}"));
        rounds++;
      }
      redis.resume();
      String all = participants("a:alice", "a2:alice2", "b:bob", "d:dave");
      assertThat(d.next()).isEqualTo(all);
      for (TestClient c : List.of(a, a2, b)) {
        assertThat(skipHeartbeats(c)).as("no server was taken for dead").isEqualTo(presence("join", "d", "dave"));
        assertThat(skipHeartbeats(c)).isEqualTo(all);
      }
      a.send(signal("a", "b", "\"across again\""));
      assertThat(skipHeartbeats(b)).isEqualTo(signal("a", "b", "\"across again\""));
      for (TestServer server : s) {
        Waits.until("membership on " + server, () -> nodeIds(server).equals(List.of("a", "a2", "b", "d")));
      }
    } finally {
      redis.resume();
    }
  }

  @Test
  void compactingTheLog_isInvisibleToClients() throws Exception {
    List<TestServer> s = threeServers(16);
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    TestClient c = joined(s.get(2), "c", "carol", a, b);
    int assignments = 60; // several times the log's capacity: several compactions
    for (int i = 0; i < assignments; i++) {
      a.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"r" + i + "\"]}");
    }
    for (TestClient client : List.of(a, b, c)) {
      for (int i = 0; i < assignments; i++) {
        assertThat(client.next()).as("assignment %s at %s", i, client)
            .isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"r" + i + "\"],\"from\":\"a\"}");
      }
      assertNothingPending(client);
    }
    TestClient d = s.get(0).connect();
    d.send(register("d", "dave"));
    String all = participants("a:alice", "b:bob", "c:carol", "d:dave");
    assertThat(d.next()).isEqualTo(all);
    assertThat(d.next()).isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"r" + (assignments - 1) + "\"],\"from\":\"a\"}");
    for (TestClient client : List.of(a, b, c)) {
      assertThat(client.next()).isEqualTo(presence("join", "d", "dave"));
      assertThat(client.next()).isEqualTo(all);
    }
    b.send(signal("b", "c", "1"));
    assertThat(c.next()).isEqualTo(signal("b", "c", "1"));
  }
}
