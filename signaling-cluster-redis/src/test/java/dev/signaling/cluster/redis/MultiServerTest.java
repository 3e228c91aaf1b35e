package dev.signaling.cluster.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.cluster.redis.Servers.Server;
import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.testkit.TestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three signaling servers in one JVM, one cluster on a real Redis: they must behave as one
 * server. Clients on different servers see one participant list, exchange signals, and a nodeId
 * is registered once cluster-wide.
 */
class MultiServerTest {

  @RegisterExtension
  static final RedisServer redis = new RedisServer();

  static final String PROBE = "{\"type\":\"probe\"}";
  static final String UNKNOWN_TYPE = "{\"type\":\"error\",\"error\":\"unknown type\"}";

  private Servers cluster;

  @AfterEach
  void close() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private List<Server> threeServers(SignalingConfig config) {
    cluster = new Servers(redis, Duration.ofSeconds(4));
    return List.of(cluster.start(config), cluster.start(config), cluster.start(config));
  }

  // ------------------------------------------------------------------ helpers (also used by the failure tests)

  static String register(String nodeId, String username) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + username + "\"}";
  }

  static String participants(String... entries) {
    return "{\"type\":\"participants\",\"participants\":["
        + java.util.Arrays.stream(entries)
            .map(e -> e.split(":", 2))
            .map(e -> "{\"nodeId\":\"" + e[0] + "\",\"username\":\"" + e[1] + "\"}")
            .collect(Collectors.joining(","))
        + "]}";
  }

  static String presence(String action, String nodeId, String username) {
    return "{\"type\":\"presence\",\"action\":\"" + action + "\",\"nodeId\":\"" + nodeId
        + "\",\"username\":\"" + username + "\",\"publicKey\":\"\"}";
  }

  static String signal(String from, String to, String payload) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":" + payload + "}";
  }

  static String error(String text) {
    return "{\"type\":\"error\",\"error\":\"" + text + "\"}";
  }

  /** Registers a client and consumes what that sent it and the others (join, participants). */
  static TestClient joined(Server server, String nodeId, String username, TestClient... others) throws Exception {
    TestClient client = server.connect();
    client.send(register(nodeId, username));
    assertThat(client.next()).startsWith("{\"type\":\"participants\"");
    for (TestClient other : others) {
      assertThat(other.next()).isEqualTo(presence("join", nodeId, username));
      assertThat(other.next()).startsWith("{\"type\":\"participants\"");
    }
    return client;
  }

  /** Asserts nothing waits for this client: its probe is answered first. */
  static void assertNothingPending(TestClient client) {
    client.send(PROBE);
    assertThat(client.next()).as("next message for %s after a probe", client).isEqualTo(UNKNOWN_TYPE);
  }

  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + TestClient.TIMEOUT + ": " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  static List<String> nodeIds(Server server) {
    return server.hub().participants().stream().map(Participant::nodeId).toList();
  }

  // ------------------------------------------------------------------ one participant list

  @Test
  void clientsOnDifferentServers_seeOneParticipantListInOneOrder() throws Exception {
    List<Server> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    TestClient c = s.get(2).connect();
    c.send(register("c", "carol"));
    String all = participants("a:alice", "b:bob", "c:carol");
    assertThat(c.next()).isEqualTo(all);
    for (TestClient other : List.of(a, b)) {
      assertThat(other.next()).isEqualTo(presence("join", "c", "carol"));
      assertThat(other.next()).isEqualTo(all);
    }
    for (Server server : s) {
      eventually("every server has applied c", () -> nodeIds(server).size() == 3);
      assertThat(nodeIds(server)).as("membership on %s", server).containsExactly("a", "b", "c");
    }
    b.close();
    for (TestClient other : List.of(a, c)) {
      assertThat(other.next()).isEqualTo(presence("leave", "b", "bob"));
      assertThat(other.next()).isEqualTo(participants("a:alice", "c:carol"));
    }
  }

  @Test
  void signalsCrossServersVerbatimAndInPerPairOrder() throws Exception {
    List<Server> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    String odd = "{ \"payload\" : {\"sdp\":\"v=0\\r\\n\",\"n\":1.50E+3,\"u\":\"\\u00e9\u00e9\"} ,"
        + "\"to\":\"b\",\t\"type\":\"signal\",\n\"from\":\"a\" }";
    a.send(odd);
    assertThat(b.next()).as("forwarded verbatim across servers").isEqualTo(odd);
    for (int i = 0; i < 300; i++) {
      a.send(signal("a", "b", "{\"seq\":" + i + "}"));
      b.send(signal("b", "a", "{\"seq\":" + i + "}"));
    }
    for (int i = 0; i < 300; i++) {
      assertThat(b.next()).isEqualTo(signal("a", "b", "{\"seq\":" + i + "}"));
      assertThat(a.next()).isEqualTo(signal("b", "a", "{\"seq\":" + i + "}"));
    }
    a.send(signal("a", "nobody", "1"));
    assertThat(a.next()).isEqualTo("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"nobody\"}");
    TestClient c = joined(s.get(2), "c", "carol", a, b);
    assertNothingPending(c);
  }

  @Test
  void heartbeatReachesEveryOtherNodeOnEveryServer() throws Exception {
    List<Server> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient a2 = joined(s.get(0), "a2", "alice2", a);
    TestClient b = joined(s.get(1), "b", "bob", a, a2);
    TestClient c = joined(s.get(2), "c", "carol", a, a2, b);
    a.send("{\"type\":\"heartbeat\"}");
    for (TestClient other : List.of(a2, b, c)) {
      assertThat(other.next()).isEqualTo("{\"type\":\"heartbeat\",\"from\":\"a\"}");
      assertNothingPending(other);
    }
    assertNothingPending(a);
  }

  @Test
  void roleAssignmentsReachEveryServer_andAreReplayedToLateJoinersElsewhere() throws Exception {
    List<Server> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"]}");
    String assign = "{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"],\"from\":\"a\"}";
    assertThat(a.next()).isEqualTo(assign);
    assertThat(b.next()).isEqualTo(assign);
    TestClient c = s.get(2).connect();
    c.send(register("c", "carol"));
    assertThat(c.next()).isEqualTo(participants("a:alice", "b:bob", "c:carol"));
    assertThat(c.next()).isEqualTo(assign);
    assertNothingPending(c);
  }

  // ------------------------------------------------------------------ one nodeId, once

  @Test
  void duplicateOnAnotherServerUnderReplace_closesTheOlderWith4001() throws Exception {
    List<Server> s = threeServers(SignalingConfig.defaults());
    TestClient a1 = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a1);
    TestClient a2 = s.get(2).connect();
    a2.send(register("a", "alice2"));
    assertThat(a1.next()).isEqualTo(error("replaced by a newer registration"));
    assertThat(a1.awaitClose()).isEqualTo(new TestClient.CloseStatus(4001, "replaced"));
    assertThat(b.next()).as("no leave for the replaced connection").isEqualTo(presence("join", "a", "alice2"));
    assertThat(b.next()).isEqualTo(participants("a:alice2", "b:bob"));
    assertThat(a2.next()).isEqualTo(participants("a:alice2", "b:bob"));
    b.send(signal("b", "a", "\"to the new owner\""));
    assertThat(a2.next()).isEqualTo(signal("b", "a", "\"to the new owner\""));
    assertNothingPending(b);
    for (Server server : s) {
      eventually("every server has the new owner", () -> server.hub().participants().stream()
          .anyMatch(p -> p.username().equals("alice2")));
    }
  }

  @Test
  void duplicateOnAnotherServerUnderReject_isRefused() throws Exception {
    List<Server> s = threeServers(SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build());
    TestClient a1 = joined(s.get(0), "a", "alice");
    TestClient a2 = s.get(1).connect();
    a2.send(register("a", "alice2"));
    assertThat(a2.next()).isEqualTo(error("nodeId already registered"));
    assertNothingPending(a1);
    assertThat(a1.isClosed()).isFalse();
    a2.send(register("a2", "alice2"));
    assertThat(a2.next()).isEqualTo(participants("a:alice", "a2:alice2"));
  }

  @Test
  void racingRegistersOfOneNodeIdOnThreeServers_leaveExactlyOneOwner() throws Exception {
    List<Server> s = threeServers(SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build());
    List<TestClient> clients = new ArrayList<>();
    for (Server server : s) {
      clients.add(server.connect());
    }
    clients.parallelStream().forEach(c -> c.send(register("same", c.toString())));
    int owners = 0;
    for (TestClient c : clients) {
      String answer = c.next();
      if (answer.startsWith("{\"type\":\"participants\"")) {
        owners++;
      } else {
        assertThat(answer).isEqualTo(error("nodeId already registered"));
      }
    }
    assertThat(owners).as("registrations accepted cluster-wide").isEqualTo(1);
  }

  // ------------------------------------------------------------------ ordering guarantee

  @Test
  void underConcurrentJoinsAndLeavesOnAllServers_everyClientsLastParticipantsIsTheFinalMembership()
      throws Exception {
    List<Server> s = threeServers(SignalingConfig.defaults());
    int threads = 6;
    int perThread = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<TestClient>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Server server = s.get(t % s.size());
      futures.add(pool.submit(() -> {
        start.await();
        List<TestClient> kept = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          TestClient c = server.connect();
          c.send(register("n" + thread + "-" + i, "u"));
          if (i % 3 == 2) {
            c.close();
          } else {
            kept.add(c);
          }
        }
        return kept;
      }));
    }
    start.countDown();
    List<TestClient> survivors = new ArrayList<>();
    for (Future<List<TestClient>> f : futures) {
      survivors.addAll(f.get(60, TimeUnit.SECONDS));
    }
    pool.shutdown();
    for (Server server : s) {
      eventually("every close is applied on " + server, () -> nodeIds(server).size() == survivors.size());
    }
    List<String> finalMembership = nodeIds(s.get(0));
    for (Server server : s) {
      assertThat(nodeIds(server)).as("membership on %s", server).isEqualTo(finalMembership);
    }
    String expected = participants(finalMembership.stream().map(id -> id + ":u").toArray(String[]::new));
    for (TestClient c : survivors) {
      c.send(PROBE);
      String last = null;
      for (String m = c.next(); !m.equals(UNKNOWN_TYPE); m = c.next()) {
        if (m.startsWith("{\"type\":\"participants\"")) {
          last = m;
        }
      }
      assertThat(last).as("last participants of %s", c).isEqualTo(expected);
    }
  }

  @Test
  void aServerThatLeaves_takesItsNodesAlongAtOnce() throws Exception {
    List<Server> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient c = joined(s.get(2), "c", "carol", a);
    long started = System.nanoTime();
    s.get(2).server.close();
    assertThat(a.next()).isEqualTo(presence("leave", "c", "carol"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    assertThat(c.awaitClose().code()).isEqualTo(1001);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("a graceful leave needs no lease to expire").isLessThan(Duration.ofSeconds(4));
  }
}
