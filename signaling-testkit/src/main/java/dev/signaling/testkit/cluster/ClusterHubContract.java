package dev.signaling.testkit.cluster;

import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.peerNotFound;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.assertReplacesAlice;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.Churn;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several hubs, one cluster: they must behave as one server. Clients on different servers see one
 * participant list, exchange signals, a nodeId is registered once cluster-wide, and a server that
 * leaves or dies, or a lost log, shows the others exactly what the protocol says. Run against
 * {@link InMemoryCluster} (in-memory hubs, failures on the test's word) and against each cluster
 * module over real sockets; a test class extends this one and says how to start a server of its
 * cluster and how to fail it.
 */
public abstract class ClusterHubContract {

  private final List<TestServer> servers = new ArrayList<>();

  /** Starts one more server of this test's cluster, with this configuration. */
  protected abstract TestServer startServer(SignalingConfig config) throws Exception;

  /** The failure timeout of this test's cluster. */
  protected abstract Duration failureTimeout();

  /** Stops {@code server}'s cluster link as a crash would: no goodbye. */
  protected abstract void crash(TestServer server);

  /** Lets the cluster notice that {@code crashed} is gone (nothing to do where leases expire). */
  protected abstract void expire(TestServer crashed);

  /** Makes the cluster lose its log, as a broker restarted without its data. */
  protected abstract void loseLog() throws Exception;

  @AfterEach
  void closeServers() throws Exception {
    for (TestServer server : servers) {
      server.close();
    }
  }

  /** Three servers of one cluster, closed after the test. */
  protected List<TestServer> threeServers(SignalingConfig config) throws Exception {
    for (int i = 0; i < 3; i++) {
      servers.add(startServer(config));
    }
    return List.copyOf(servers);
  }

  /** The nodeIds a server's hub holds, in order. */
  protected static List<String> nodeIds(TestServer server) {
    return server.hub().participants().stream().map(Participant::nodeId).toList();
  }

  @Test
  void clientsOnDifferentServers_seeOneParticipantListInOneOrder() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
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
    for (TestServer server : s) {
      Waits.until("every server has applied c", () -> nodeIds(server).size() == 3);
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
    List<TestServer> s = threeServers(SignalingConfig.defaults());
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
    assertThat(a.next()).isEqualTo(peerNotFound("nobody"));
    TestClient c = joined(s.get(2), "c", "carol", a, b);
    assertNothingPending(c);
  }

  @Test
  void heartbeatReachesEveryOtherNodeOnEveryServer() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
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
    List<TestServer> s = threeServers(SignalingConfig.defaults());
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


  @Test
  void duplicateOnAnotherServerUnderReplace_closesTheOlderWith4001() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
    TestClient a1 = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a1);
    TestClient a2 = s.get(2).connect();
    assertReplacesAlice(a1, b, a2);
    b.send(signal("b", "a", "\"to the new owner\""));
    assertThat(a2.next()).isEqualTo(signal("b", "a", "\"to the new owner\""));
    assertNothingPending(b);
    for (TestServer server : s) {
      Waits.until("every server has the new owner", () -> server.hub().participants().stream()
          .anyMatch(p -> p.username().equals("alice2")));
    }
  }

  @Test
  void duplicateOnAnotherServerUnderReject_isRefused() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build());
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
    List<TestServer> s = threeServers(SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build());
    List<TestClient> clients = new ArrayList<>();
    for (TestServer server : s) {
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


  @Test
  void underConcurrentJoinsAndLeavesOnAllServers_everyClientsLastParticipantsIsTheFinalMembership()
      throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
    List<TestClient> survivors = Churn.joinAndLeave(s, 6, 10);
    for (TestServer server : s) {
      Waits.until("every close is applied on " + server, () -> nodeIds(server).size() == survivors.size());
    }
    List<String> finalMembership = nodeIds(s.get(0));
    for (TestServer server : s) {
      assertThat(nodeIds(server)).as("membership on %s", server).isEqualTo(finalMembership);
    }
    Churn.assertLastParticipantsOfEach(survivors, finalMembership);
  }

  @Test
  void aServerThatLeaves_takesItsNodesAlongAtOnce() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient c = joined(s.get(2), "c", "carol", a);
    long started = System.nanoTime();
    s.get(2).close();
    assertThat(a.next()).isEqualTo(presence("leave", "c", "carol"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    assertThat(c.awaitClose().code()).isEqualTo(1001);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("a graceful leave needs no lease to expire").isLessThan(failureTimeout());
  }

  @Test
  void whenAServerDies_theOthersSendLeaveAndParticipantsWithinTheFailureTimeout() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    joined(s.get(2), "c", "carol", a, b);
    joined(s.get(2), "d", "dave", a, b);
    long killed = System.nanoTime();
    crash(s.get(2)); // no goodbye
    expire(s.get(2));
    for (TestClient survivor : List.of(a, b)) {
      assertThat(survivor.next()).isEqualTo(presence("leave", "c", "carol"));
      assertThat(survivor.next()).isEqualTo(presence("leave", "d", "dave"));
      assertThat(survivor.next()).isEqualTo(participants("a:alice", "b:bob"));
    }
    Duration noticed = Duration.ofNanos(System.nanoTime() - killed);
    assertThat(noticed).as("time until the dead server's nodes left").isLessThan(failureTimeout().plusMillis(1500));
    assertNothingPending(a);
    a.send(signal("a", "c", "1"));
    assertThat(a.next()).isEqualTo(peerNotFound("c"));
  }

  @Test
  void whenTheLogIsLost_serversRepublish_andClientsSeeNoChurn() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    TestClient c = joined(s.get(2), "c", "carol", a, b);
    b.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"]}");
    String assign = "{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"],\"from\":\"b\"}";
    for (TestClient client : List.of(a, b, c)) {
      assertThat(client.next()).isEqualTo(assign);
    }
    loseLog();
    a.send(signal("a", "a", "\"local, during the restart\""));
    assertThat(a.next()).isEqualTo(signal("a", "a", "\"local, during the restart\""));
    // A newcomer after the restart: the others hear of it, and of nothing else.
    TestClient d = s.get(1).connect();
    d.send(register("d", "dave"));
    String all = participants("a:alice", "b:bob", "c:carol", "d:dave");
    assertThat(d.next()).isEqualTo(all);
    assertThat(d.next()).as("roles survive the restart").isEqualTo(assign);
    for (TestClient client : List.of(a, b, c)) {
      assertThat(client.next()).isEqualTo(presence("join", "d", "dave"));
      assertThat(client.next()).isEqualTo(all);
      assertNothingPending(client);
    }
    a.send(signal("a", "c", "\"across, after the restart\""));
    assertThat(c.next()).isEqualTo(signal("a", "c", "\"across, after the restart\""));
    for (TestServer server : s) {
      Waits.until("membership on " + server, () -> nodeIds(server).equals(List.of("a", "b", "c", "d")));
    }
  }
}
