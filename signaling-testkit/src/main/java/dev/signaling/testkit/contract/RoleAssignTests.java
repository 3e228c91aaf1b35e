package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code role-assign}: broadcast to every registered node, checked, remembered and replayed to late joiners. Part of {@link SignalingContract}. */
public abstract class RoleAssignTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected RoleAssignTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void goesToEveryRegisteredNodeIncludingTheSender() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    TestClient anonymous = server.connect();
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"client\",\"relay\"]}");
    String expected = "{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"client\",\"relay\"],\"from\":\"a\"}";
    assertThat(a.next()).isEqualTo(expected);
    assertThat(b.next()).isEqualTo(expected);
    assertNothingPending(anonymous);
  }

  @Test
  void roleAssignBeforeRegister_isRefused() throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"]}");
    assertThat(a.next()).isEqualTo(error("not registered"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"role-assign\",\"roles\":[\"relay\"]}",
      "{\"type\":\"role-assign\",\"nodeId\":\"\",\"roles\":[\"relay\"]}",
      "{\"type\":\"role-assign\",\"nodeId\":\"a\"}",
      "{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":\"relay\"}",
      "{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"relay\",1]}",
      "{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"r1\",\"r2\",\"r3\"]}",
      "{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"much-too-long\"]}",
  })
  void withoutUsableNodeIdOrRoles_isRefused(String message) throws Exception {
    TestServer server = server(SignalingConfig.builder().maxRoles(2).maxRoleLength(8).build());
    TestClient a = joined(server, "a", "alice");
    a.send(message);
    assertThat(a.next()).isEqualTo(error("missing nodeId or roles"));
  }

  @Test
  void roleAssignRefusedByPolicy() throws Exception {
    TestServer server = server(SignalingConfig.builder()
        .rolePolicy((sender, nodeId, roles) -> !roles.contains("admin"))
        .build());
    TestClient a = joined(server, "a", "alice");
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"admin\"]}");
    assertThat(a.next()).isEqualTo(error("role-assign refused"));
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"user\"]}");
    assertThat(a.next()).isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"user\"],\"from\":\"a\"}");
  }

  @Test
  void forUnregisteredNodeId_isBroadcastButNotRemembered() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"ghost\",\"roles\":[\"relay\"]}");
    assertThat(a.next()).isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"ghost\",\"roles\":[\"relay\"],\"from\":\"a\"}");
    TestClient ghost = server.connect();
    ghost.send(register("ghost", "g"));
    assertThat(ghost.next()).isEqualTo(participants("a:alice", "ghost:g"));
    assertNothingPending(ghost);
  }

  @Test
  void lateJoinerGetsTheLastAssignmentOfEachNode_andRolesAreForgottenOnLeave() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"client\"]}");
    a.next();
    b.next(); // a's assignment is applied before b's, which must then win
    b.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"]}");
    b.send("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"seed\"]}");
    for (int i = 0; i < 2; i++) {
      a.next();
      b.next();
    }
    TestClient c = server.connect();
    c.send(register("c", "carol"));
    assertThat(c.next()).isEqualTo(participants("a:alice", "b:bob", "c:carol"));
    assertThat(List.of(c.next(), c.next())).containsExactly(
        "{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"seed\"],\"from\":\"b\"}",
        "{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"],\"from\":\"b\"}");
    assertNothingPending(c);

    b.close();
    TestClient d = server.connect();
    d.send(register("d", "dave"));
    assertThat(d.next()).isEqualTo(participants("a:alice", "c:carol", "d:dave"));
    assertThat(d.next()).isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"seed\"],\"from\":\"b\"}");
    assertNothingPending(d);
  }
}
