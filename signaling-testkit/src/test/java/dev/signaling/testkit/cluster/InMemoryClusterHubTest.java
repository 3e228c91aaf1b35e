package dev.signaling.testkit.cluster;

import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.InMemoryTransport;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
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

  private final InMemoryCluster network = new InMemoryCluster();
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
    return Duration.ofSeconds(2);
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
  void aServerDeclaredGoneWhileAlive_republishesItsNodes_andSparesItsOwnClients() throws Exception {
    // Every list at once (no pacing), so that each step of the meantime shows.
    List<TestServer> s = threeServers(SignalingConfig.builder().membershipInterval(Duration.ZERO).build());
    TestClient a = joined(s.get(0), "a", "alice");
    TestClient b = joined(s.get(1), "b", "bob", a);
    network.declareGone(serverIds.get(s.get(1)));
    // The others drop b's node, then take it back from the re-publication of b's server.
    assertThat(a.next()).isEqualTo(presence("leave", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    assertThat(a.next()).isEqualTo(presence("join", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice", "b:bob"));
    assertNothingPending(b);
    b.send(signal("b", "a", "\"still here\""));
    assertThat(a.next()).isEqualTo(signal("b", "a", "\"still here\""));
  }
}
