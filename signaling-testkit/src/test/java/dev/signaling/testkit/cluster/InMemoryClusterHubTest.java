package dev.signaling.testkit.cluster;

import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.peerNotFound;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.assertTold;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.InMemoryTransport;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.Waits;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hubs on one {@link InMemoryCluster}: the cluster behaviour of the hub without a broker and
 * without wall-clock timing (a server is gone, or the log lost, when the test says so), plus what
 * only the fake can stage.
 */
class InMemoryClusterHubTest extends ClusterHubContract {

  /**
   * Longer than any test waits: a hub gives up on a server only when the test declares it gone,
   * never because its own timer ran out on a loaded machine.
   */
  private static final Duration FAILURE_TIMEOUT = Duration.ofSeconds(30);

  private final InMemoryCluster network = new InMemoryCluster(FAILURE_TIMEOUT);
  private final Map<TestServer, String> serverIds = new HashMap<>();

  @Override
  protected TestServer startServer(SignalingConfig config) {
    var link = network.newServer();
    InMemoryTransport server = InMemoryTransport.start(config, SignalingListener.NONE, link);
    serverIds.put(server, link.serverId());
    return server;
  }

  @Override
  protected Duration failureTimeout() {
    return FAILURE_TIMEOUT;
  }

  @Override
  protected void declareGone(TestServer server) {
    network.declareGone(serverIds.get(server));
  }

  @Override
  protected void crash(TestServer server) {
    network.halt(serverIds.get(server));
  }

  @Override
  protected void expire(TestServer crashed) {
    network.declareGone(serverIds.get(crashed));
  }

  @Override
  protected void loseLog() {
    network.resetLog();
  }

  @Test
  void aCrashedServer_isNotGoneUntilTheClusterSaysSo() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.defaults());
    TestClient a = joined(s.get(0), "a", "alice");
    joined(s.get(2), "c", "carol", a);
    crash(s.get(2));
    assertNothingPending(a);
    assertThat(nodeIds(s.get(0))).containsExactly("a", "c");
    expire(s.get(2));
    assertThat(a.next()).isEqualTo(presence("leave", "c", "carol"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
  }

  @Test
  void untilItsRepublicationIsInTheLog_aServerDeclaredGone_stillServesItsOwnClients() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.builder().membershipInterval(Duration.ZERO).build());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b1 = joined(s.get(1), "b1", "bob1", a);
    TestClient b2 = joined(s.get(1), "b2", "bob2", a, b1);
    String server = serverIds.get(s.get(1));
    network.delayAppends(server);
    declareGone(s.get(1));
    assertTold(a, presence("leave", "b1", "bob1"), presence("leave", "b2", "bob2"), participants("a:alice"));
    Waits.until("its re-publication waits", () -> network.delayedAppends(server) == 1);
    // Meanwhile its clients keep their nodeIds and routes: their signals flow, locally and across.
    b1.send(signal("b1", "b2", "\"local\""));
    assertThat(b2.next()).isEqualTo(signal("b1", "b2", "\"local\""));
    b2.send(signal("b2", "a", "\"across\""));
    assertThat(a.next()).isEqualTo(signal("b2", "a", "\"across\""));
    a.send(signal("a", "b1", "\"gone for a\""));
    assertThat(a.next()).isEqualTo(peerNotFound("b1"));
    assertNothingPending(b1);
    assertNothingPending(b2);
    network.releaseAppends(server);
    String after = participants("a:alice", "b1:bob1", "b2:bob2");
    assertTold(a, presence("join", "b1", "bob1"), presence("join", "b2", "bob2"), after);
    assertTold(b1, presence("leave", "b2", "bob2"), presence("join", "b2", "bob2"), after);
    assertTold(b2, presence("leave", "b1", "bob1"), presence("join", "b1", "bob1"), after);
    a.send(signal("a", "b1", "\"back\""));
    assertThat(b1.next()).isEqualTo(signal("a", "b1", "\"back\""));
  }

  @Test
  void aClientWhoseLeaveIsNotInTheLogYet_isNotClaimed_soItNeverComesBack() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.builder().membershipInterval(Duration.ZERO).build());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    String server = serverIds.get(s.get(1));
    network.delayAppends(server);
    b.close();
    Waits.until("b's leave waits", () -> network.delayedAppends(server) == 1);
    declareGone(s.get(1));
    assertTold(a, presence("leave", "b", "bob"), participants("a:alice"));
    Waits.until("its re-publication waits behind the leave", () -> network.delayedAppends(server) == 2);
    network.releaseAppends(server);
    // A later register on that server is the barrier: b would have come back before it.
    TestClient e = s.get(1).connect();
    e.send(register("e", "eve"));
    assertThat(e.next()).isEqualTo(participants("a:alice", "e:eve"));
    assertTold(a, presence("join", "e", "eve"), participants("a:alice", "e:eve"));
    membershipEverywhere(s, "a", "e");
  }

  @Test
  void aClientThatLeavesWhileItsServersRepublicationWaits_leavesAfterIt() throws Exception {
    List<TestServer> s = threeServers(SignalingConfig.builder().membershipInterval(Duration.ZERO).build());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    String server = serverIds.get(s.get(1));
    network.delayAppends(server);
    declareGone(s.get(1));
    assertTold(a, presence("leave", "b", "bob"), participants("a:alice"));
    Waits.until("its re-publication waits", () -> network.delayedAppends(server) == 1);
    b.close();
    Waits.until("b's leave waits behind it", () -> network.delayedAppends(server) == 2);
    network.releaseAppends(server);
    assertTold(a, presence("join", "b", "bob"), participants("a:alice", "b:bob"), presence("leave", "b", "bob"),
        participants("a:alice"));
    membershipEverywhere(s, "a");
  }
}
