package dev.signaling.testkit.cluster;

import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.peerNotFound;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.Churn;
import dev.signaling.testkit.InMemoryTransport;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Several hubs on one {@link InMemoryCluster}: they act as one server, and a server that goes, a
 * server that leaves and a lost log happen when the test says, not when a lease expires.
 */
class ClusterHubTest {

  private static final String ASSIGN_B =
      "{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"],\"from\":\"b\"}";

  private final InMemoryCluster network = new InMemoryCluster();
  private final List<InMemoryTransport> hubs = new ArrayList<>();

  @AfterEach
  void close() {
    hubs.forEach(InMemoryTransport::close);
  }

  private List<InMemoryTransport> threeHubs(SignalingConfig config) {
    for (int i = 0; i < 3; i++) {
      hubs.add(InMemoryTransport.start(config, SignalingListener.NONE, network.newServer()));
    }
    return hubs;
  }

  private List<InMemoryTransport> threeHubs() {
    return threeHubs(SignalingConfig.defaults());
  }

  private static List<String> nodeIds(InMemoryTransport hub) {
    return hub.hub().participants().stream().map(Participant::nodeId).toList();
  }

  private void awaitMembershipEverywhere(List<String> nodeIds) {
    for (InMemoryTransport hub : hubs) {
      Waits.until("membership " + nodeIds + " on every hub", () -> nodeIds(hub).equals(nodeIds));
    }
  }

  @Test
  void joinsAndLeavesOnDifferentHubs_makeOneParticipantList() throws Exception {
    List<InMemoryTransport> s = threeHubs();
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
    awaitMembershipEverywhere(List.of("a", "b", "c"));
    b.close();
    for (TestClient other : List.of(a, c)) {
      assertThat(other.next()).isEqualTo(presence("leave", "b", "bob"));
      assertThat(other.next()).isEqualTo(participants("a:alice", "c:carol"));
    }
  }

  @Test
  void signalsAndHeartbeatsCrossHubs() throws Exception {
    List<InMemoryTransport> s = threeHubs();
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    TestClient c = joined(s.get(2), "c", "carol", a, b);
    for (int i = 0; i < 100; i++) {
      a.send(signal("a", "b", "{\"seq\":" + i + "}"));
    }
    for (int i = 0; i < 100; i++) {
      assertThat(b.next()).isEqualTo(signal("a", "b", "{\"seq\":" + i + "}"));
    }
    a.send(signal("a", "nobody", "1"));
    assertThat(a.next()).isEqualTo(peerNotFound("nobody"));
    c.send("{\"type\":\"heartbeat\"}");
    for (TestClient other : List.of(a, b)) {
      assertThat(other.next()).isEqualTo("{\"type\":\"heartbeat\",\"from\":\"c\"}");
      assertNothingPending(other);
    }
    assertNothingPending(c);
  }

  @Test
  void aDuplicateOnAnotherHub_replacesTheOlder_orIsRefusedUnderReject() throws Exception {
    List<InMemoryTransport> s = threeHubs();
    TestClient a1 = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a1);
    TestClient a2 = s.get(2).connect();
    a2.send(register("a", "alice2"));
    assertThat(a1.next()).isEqualTo(error("replaced by a newer registration"));
    assertThat(a1.awaitClose()).isEqualTo(new TestClient.CloseStatus(4001, "replaced"));
    assertThat(b.next()).isEqualTo(presence("join", "a", "alice2"));
    assertThat(b.next()).isEqualTo(participants("a:alice2", "b:bob"));
    assertThat(a2.next()).isEqualTo(participants("a:alice2", "b:bob"));

    InMemoryCluster strict = new InMemoryCluster();
    SignalingConfig reject = SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build();
    InMemoryTransport first = InMemoryTransport.start(reject, SignalingListener.NONE, strict.newServer());
    InMemoryTransport second = InMemoryTransport.start(reject, SignalingListener.NONE, strict.newServer());
    hubs.add(first);
    hubs.add(second);
    TestClient owner = joined(first, "x", "xavier");
    TestClient thief = second.connect();
    thief.send(register("x", "other"));
    assertThat(thief.next()).isEqualTo(error("nodeId already registered"));
    assertNothingPending(owner);
  }

  @Test
  void aServerThatStopsAndIsDeclaredGone_takesItsNodesAlong() throws Exception {
    List<InMemoryTransport> s = threeHubs();
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    joined(s.get(2), "c", "carol", a, b);
    joined(s.get(2), "d", "dave", a, b);
    String crashed = network.runningServers().get(2);
    network.halt(crashed);
    assertNothingPending(a); // nothing happens until the cluster declares it gone
    network.declareGone(crashed);
    for (TestClient survivor : List.of(a, b)) {
      assertThat(survivor.next()).isEqualTo(presence("leave", "c", "carol"));
      assertThat(survivor.next()).isEqualTo(presence("leave", "d", "dave"));
      assertThat(survivor.next()).isEqualTo(participants("a:alice", "b:bob"));
    }
    assertNothingPending(a);
    a.send(signal("a", "c", "1"));
    assertThat(a.next()).isEqualTo(peerNotFound("c"));
    assertThat(network.runningServers()).doesNotContain(crashed);
  }

  @Test
  void aServerThatLeaves_takesItsNodesAlongAtOnce() throws Exception {
    List<InMemoryTransport> s = threeHubs();
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient c = joined(s.get(2), "c", "carol", a);
    s.get(2).hub().close();
    assertThat(a.next()).isEqualTo(presence("leave", "c", "carol"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    assertThat(c.awaitClose().code()).isEqualTo(1001);
  }

  @Test
  void aServerDeclaredGoneWhileAlive_republishesItsNodes() throws Exception {
    // Every list at once (no pacing), so that each step of the meantime shows.
    List<InMemoryTransport> s = threeHubs(SignalingConfig.builder().membershipInterval(Duration.ZERO).build());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    network.declareGone(network.runningServers().get(1));
    // The others drop b's node, then take it back from s1's re-publication; s1 spares its own
    // client the leave-and-join of the meantime.
    assertThat(a.next()).isEqualTo(presence("leave", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    assertThat(a.next()).isEqualTo(presence("join", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice", "b:bob"));
    assertNothingPending(b);
    awaitMembershipEverywhere(List.of("a", "b"));
    b.send(signal("b", "a", "\"still here\""));
    assertThat(a.next()).isEqualTo(signal("b", "a", "\"still here\""));
  }

  @Test
  void afterALostLog_hubsRepublish_andClientsSeeNoChurn() throws Exception {
    List<InMemoryTransport> s = threeHubs();
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    TestClient c = joined(s.get(2), "c", "carol", a, b);
    b.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"]}");
    for (TestClient client : List.of(a, b, c)) {
      assertThat(client.next()).isEqualTo(ASSIGN_B);
    }
    network.resetLog();
    a.send(signal("a", "a", "\"local, during the reset\""));
    assertThat(a.next()).isEqualTo(signal("a", "a", "\"local, during the reset\""));
    TestClient d = s.get(1).connect();
    d.send(register("d", "dave"));
    String all = participants("a:alice", "b:bob", "c:carol", "d:dave");
    assertThat(d.next()).isEqualTo(all);
    assertThat(d.next()).as("roles survive the reset").isEqualTo(ASSIGN_B);
    for (TestClient client : List.of(a, b, c)) {
      assertThat(client.next()).isEqualTo(presence("join", "d", "dave"));
      assertThat(client.next()).isEqualTo(all);
      assertNothingPending(client);
    }
    a.send(signal("a", "c", "\"across, after the reset\""));
    assertThat(c.next()).isEqualTo(signal("a", "c", "\"across, after the reset\""));
    awaitMembershipEverywhere(List.of("a", "b", "c", "d"));
  }

  @Test
  void underConcurrentJoinsAndLeavesOnAllHubs_everyClientsLastParticipantsIsTheFinalMembership() throws Exception {
    List<InMemoryTransport> s = threeHubs();
    List<TestClient> survivors = Churn.joinAndLeave(s, 6, 10);
    for (InMemoryTransport hub : s) {
      Waits.until("every close is applied", () -> nodeIds(hub).size() == survivors.size());
    }
    List<String> finalMembership = nodeIds(s.get(0));
    for (InMemoryTransport hub : s) {
      assertThat(nodeIds(hub)).isEqualTo(finalMembership);
    }
    Churn.assertLastParticipantsOfEach(survivors, finalMembership);
  }
}
