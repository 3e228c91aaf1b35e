package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** {@code heartbeat}: fanned out to every other registered node, ignored before register. Part of {@link SignalingContract}. */
public abstract class HeartbeatTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected HeartbeatTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void fromRegisteredNode_goesToEveryOtherNode() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    TestClient c = joined(server, "c", "carol", a, b);
    a.send("{\"type\":\"heartbeat\"}");
    assertThat(b.next()).isEqualTo("{\"type\":\"heartbeat\",\"from\":\"a\"}");
    assertThat(c.next()).isEqualTo("{\"type\":\"heartbeat\",\"from\":\"a\"}");
    assertNothingPending(a);
  }

  @Test
  void fromUnregisteredConnection_isIgnored() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient anonymous = server.connect();
    anonymous.send("{\"type\":\"heartbeat\"}");
    assertNothingPending(anonymous);
    assertNothingPending(a);
  }
}
