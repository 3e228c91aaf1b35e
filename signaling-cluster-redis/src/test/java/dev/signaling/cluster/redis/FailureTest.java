package dev.signaling.cluster.redis;

import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.assertTold;
import static dev.signaling.testkit.Steps.joined;
import static dev.signaling.testkit.Steps.skipHeartbeats;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.Waits;
import dev.signaling.testkit.WebSocketTestClient;
import dev.signaling.testkit.transport.attack.ForkedServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What only real processes show: Redis paused, the log's compaction, a server process frozen
 * (SIGSTOP) for longer than the failure timeout, and Redis restarted empty while a server process
 * was killed. (The same failures staged without processes are in {@link RedisClusterHubTest}, as
 * for every cluster.) Each test has its own Redis process, so that pausing or restarting it never
 * touches another test.
 */
class FailureTest {

  /** Short, so that the tests are quick; the default is 8 s. */
  static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(2);

  /** What every client is told when {@code from} makes x1 a relay. */
  private static String relayX1(String from) {
    return "{\"type\":\"role-assign\",\"nodeId\":\"x1\",\"roles\":[\"relay\"],\"from\":\"" + from + "\"}";
  }

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

  @Test
  void aServerProcessFrozenPastTheFailureTimeout_comesBackAsNewRegistrations() throws Exception {
    cluster = new Servers(redis, FAILURE_TIMEOUT);
    SignalingConfig config = SignalingConfig.builder().membershipInterval(Duration.ZERO).build();
    TestServer s0 = cluster.start(config);
    TestServer s1 = cluster.start(config);
    try (ForkedServer process = ClusterServerMain.start(redis, cluster, FAILURE_TIMEOUT, Map.of("membershipInterval", "0ms"))) {
      TestServer frozen = new InProcess(process);
      TestClient a = joined(s0, "a", "alice");
      TestClient x1 = joined(frozen, "x1", "xavier1", a);
      TestClient b = joined(s1, "b", "bob", a, x1);
      TestClient x2 = joined(frozen, "x2", "xavier2", a, x1, b);
      a.send("{\"type\":\"role-assign\",\"nodeId\":\"x1\",\"roles\":[\"relay\"]}");
      for (TestClient client : List.of(a, x1, b, x2)) {
        assertThat(client.next()).isEqualTo(relayX1("a"));
      }
      Signals.send(process.pid(), "STOP");
      try {
        for (TestClient other : List.of(a, b)) {
          assertThat(other.next()).isEqualTo(presence("leave", "x1", "xavier1"));
          assertThat(other.next()).isEqualTo(presence("leave", "x2", "xavier2"));
          assertThat(other.next()).isEqualTo(participants("a:alice", "b:bob"));
        }
      } finally {
        Signals.send(process.pid(), "CONT");
      }
      // Back, as new registrations: at the end, and without roles (none announced, none replayed).
      String after = participants("a:alice", "b:bob", "x1:xavier1", "x2:xavier2");
      for (TestClient other : List.of(a, b)) {
        assertTold(other, presence("join", "x1", "xavier1"), presence("join", "x2", "xavier2"), after);
      }
      assertTold(x1, presence("leave", "x2", "xavier2"), presence("join", "x2", "xavier2"), after);
      assertTold(x2, presence("leave", "x1", "xavier1"), presence("join", "x1", "xavier1"), after);
      TestClient d = s1.connect();
      d.send(register("d", "dave"));
      String all = participants("a:alice", "b:bob", "x1:xavier1", "x2:xavier2", "d:dave");
      assertTold(d, all);
      for (TestClient other : List.of(a, b, x1, x2)) {
        assertTold(other, presence("join", "d", "dave"), all);
      }
      x1.send(signal("x1", "b", "\"back\""));
      assertThat(b.next()).isEqualTo(signal("x1", "b", "\"back\""));
      a.send(signal("a", "x2", "\"welcome\""));
      assertThat(x2.next()).isEqualTo(signal("a", "x2", "\"welcome\""));
      for (TestServer server : List.of(s0, s1)) {
        Waits.until("membership on " + server, () -> nodeIds(server).equals(List.of("a", "b", "x1", "x2", "d")));
      }
    }
  }

  @Test
  void whenRedisRestartsEmptyWhileAServerProcessWasKilled_aRegisterIsAnsweredAtOnce_andOnlyItsNodesLeave()
      throws Exception {
    cluster = new Servers(redis, FAILURE_TIMEOUT);
    SignalingConfig config = SignalingConfig.builder().membershipInterval(Duration.ZERO).build();
    TestServer s0 = cluster.start(config);
    TestServer s1 = cluster.start(config);
    try (ForkedServer process = ClusterServerMain.start(redis, cluster, FAILURE_TIMEOUT, Map.of())) {
      TestServer doomed = new InProcess(process);
      TestClient a = joined(s0, "a", "alice");
      TestClient b = joined(s1, "b", "bob", a);
      TestClient x1 = joined(doomed, "x1", "xavier1", a, b);
      joined(doomed, "x2", "xavier2", a, b, x1);
      b.send("{\"type\":\"role-assign\",\"nodeId\":\"x1\",\"roles\":[\"relay\"]}");
      for (TestClient client : List.of(a, b)) {
        assertThat(client.next()).isEqualTo(relayX1("b"));
      }
      redis.pause(); // an outage, during which the server dies
      Signals.send(process.pid(), "KILL");
      x1.awaitClose();
      redis.restart(); // killed, started empty
      // Answered at once, with the dead server's nodes still awaited (and x1's roles replayed).
      TestClient d = s1.connect();
      d.send(register("d", "dave"));
      String awaited = participants("a:alice", "b:bob", "x1:xavier1", "x2:xavier2", "d:dave");
      assertThat(d.next()).isEqualTo(awaited);
      assertThat(d.next()).isEqualTo(relayX1("b"));
      for (TestClient other : List.of(a, b)) {
        assertThat(other.next()).isEqualTo(presence("join", "d", "dave"));
        assertThat(other.next()).isEqualTo(awaited);
      }
      // Within the failure timeout of the restart: the dead server's nodes leave, and nothing else.
      for (TestClient client : List.of(a, b, d)) {
        assertTold(client, presence("leave", "x1", "xavier1"), presence("leave", "x2", "xavier2"),
            participants("a:alice", "b:bob", "d:dave"));
      }
      for (TestServer server : List.of(s0, s1)) {
        Waits.until("membership on " + server, () -> nodeIds(server).equals(List.of("a", "b", "d")));
      }
      a.send(signal("a", "d", "\"after\""));
      assertThat(d.next()).isEqualTo(signal("a", "d", "\"after\""));
    }
  }

  /** A server in another process: reached over its socket; its hub is not here to read. */
  private record InProcess(ForkedServer process) implements TestServer {
    @Override
    public SignalingHub hub() {
      throw new UnsupportedOperationException("the hub runs in process " + process.pid());
    }

    @Override
    public TestClient connect() throws Exception {
      return WebSocketTestClient.connect("forked-client", process.webSocketUri());
    }

    @Override
    public void close() {
      process.close();
    }
  }
}
