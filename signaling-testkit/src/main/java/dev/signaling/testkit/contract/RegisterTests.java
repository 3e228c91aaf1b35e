package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.assertReplacesAlice;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.RecordingListener;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code register}: the participants answer, presence, keys, refusals, duplicates under both policies. Part of {@link SignalingContract}. */
public abstract class RegisterTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected RegisterTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void firstNodeReceivesParticipantsWithItself() throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send(register("a", "alice"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    assertThat(server.hub().participants()).containsExactly(new Participant("a", "alice", "", null));
  }

  @Test
  void whenSecondNodeJoins_firstGetsPresenceThenBothGetParticipants() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = server.connect();
    b.send(register("b", "bob"));
    assertThat(a.next()).isEqualTo(presence("join", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice", "b:bob"));
    assertThat(b.next()).isEqualTo(participants("a:alice", "b:bob"));
    assertNothingPending(b);
  }

  @Test
  void keysAppearInPresenceAndEncryptionKeyInParticipants() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = server.connect();
    b.send("{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"bob\",\"publicKey\":\"PK\",\"encryptionKey\":\"EK\"}");
    assertThat(a.next()).isEqualTo(
        "{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"b\",\"username\":\"bob\",\"publicKey\":\"PK\",\"encryptionKey\":\"EK\"}");
    assertThat(a.next()).isEqualTo(
        "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"alice\"},"
            + "{\"nodeId\":\"b\",\"username\":\"bob\",\"encryptionKey\":\"EK\"}]}");
  }

  @Test
  void nullKeysCountAsAbsent() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = server.connect();
    b.send("{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"bob\",\"publicKey\":null,\"encryptionKey\":null}");
    assertThat(a.next()).isEqualTo(presence("join", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice", "b:bob"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"register\",\"username\":\"alice\"}",
      "{\"type\":\"register\",\"nodeId\":\"a\"}",
      "{\"type\":\"register\",\"nodeId\":\"\",\"username\":\"alice\"}",
      "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"\"}",
      "{\"type\":\"register\",\"nodeId\":42,\"username\":\"alice\"}",
      "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":{\"n\":1}}",
      "{\"type\":\"register\",\"nodeId\":null,\"username\":\"alice\"}",
  })
  void withoutUsableNodeIdOrUsername_isRefusedAndChangesNothing(String message) throws Exception {
    TestServer server = server();
    TestClient other = joined(server, "z", "zed");
    TestClient a = server.connect();
    a.send(message);
    assertThat(a.next()).isEqualTo(error("missing nodeId or username"));
    assertNothingPending(other);
    assertThat(server.hub().participants()).extracting(Participant::nodeId).containsExactly("z");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"publicKey\":1}",
      "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"encryptionKey\":{}}",
      "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"publicKey\":[\"k\"]}",
  })
  void withNonStringKey_isRefused(String message) throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send(message);
    assertThat(a.next()).isEqualTo(error("invalid key"));
    assertThat(server.hub().participants()).isEmpty();
  }

  @Test
  void underAnotherNodeId_leavesTheOldNodeFirst() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    b.send(register("c", "carol"));
    assertThat(a.next()).isEqualTo(presence("leave", "b", "bob"));
    assertThat(a.next()).isEqualTo(presence("join", "c", "carol"));
    assertThat(a.next()).isEqualTo(participants("a:alice", "c:carol"));
    assertThat(b.next()).isEqualTo(participants("a:alice", "c:carol"));
    assertNothingPending(a);
  }

  @Test
  void duplicateUnderReplace_closesTheOlderWith4001AndKeepsThePlace() throws Exception {
    RecordingListener listener = new RecordingListener();
    TestServer server = server(SignalingConfig.defaults(), listener);
    TestClient a1 = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a1);
    TestClient a2 = server.connect();
    assertReplacesAlice(a1, b, a2);
    assertNothingPending(b);
    assertNothingPending(a2);
    assertThat(server.hub().participants()).extracting(Participant::username).containsExactly("alice2", "bob");
    assertThat(listener.events("joined", "left", "replaced"))
        .containsExactly("joined a", "joined b", "replaced a alice->alice2");
  }

  @Test
  void duplicateUnderReject_isRefusedAndChangesNothing() throws Exception {
    TestServer server = server(SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build());
    TestClient a1 = joined(server, "a", "alice");
    TestClient a2 = server.connect();
    a2.send(register("a", "alice2"));
    assertThat(a2.next()).isEqualTo(error("nodeId already registered"));
    assertNothingPending(a1);
    assertThat(a1.isClosed()).isFalse();
    assertThat(server.hub().participants()).extracting(Participant::username).containsExactly("alice");
  }

  @Test
  void rolesSurviveReplaceAndAreReplayedToLateJoiners() throws Exception {
    TestServer server = server();
    TestClient a1 = joined(server, "a", "alice");
    a1.send("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"relay\"]}");
    String assign = "{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"relay\"],\"from\":\"a\"}";
    assertThat(a1.next()).isEqualTo(assign);
    TestClient a2 = server.connect();
    a2.send(register("a", "alice"));
    assertThat(a1.awaitClose().code()).isEqualTo(4001);
    assertThat(a2.next()).isEqualTo(participants("a:alice"));
    assertNothingPending(a2); // its own roles are not replayed to it
    TestClient c = server.connect();
    c.send(register("c", "carol"));
    assertThat(c.next()).isEqualTo(participants("a:alice", "c:carol"));
    assertThat(c.next()).isEqualTo(assign);
  }
}
