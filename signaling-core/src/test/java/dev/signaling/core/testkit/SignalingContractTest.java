package dev.signaling.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The protocol contract, written once and run against every transport: the in-memory one in the
 * core, and real sockets in each transport module. A transport's test extends this class and
 * says how to start a server.
 *
 * <p>To prove that something was <em>not</em> sent, a test uses a barrier: the client sends a
 * message of an unknown type and expects its {@code unknown type} error as the very next
 * message; anything the server had queued for that client before would arrive first.
 */
public abstract class SignalingContractTest {

  protected static final String UNKNOWN_TYPE = "{\"type\":\"error\",\"error\":\"unknown type\"}";
  private static final String PROBE = "{\"type\":\"probe\"}";

  private final List<TestServer> servers = new ArrayList<>();

  /** Starts a server for one test, with this configuration and listener. */
  protected abstract TestServer startServer(SignalingConfig config, SignalingListener listener)
      throws Exception;

  @AfterEach
  void closeServers() throws Exception {
    for (TestServer server : servers) {
      server.close();
    }
  }

  protected TestServer server(SignalingConfig config, SignalingListener listener) throws Exception {
    TestServer server = startServer(config, listener);
    servers.add(server);
    return server;
  }

  protected TestServer server(SignalingConfig config) throws Exception {
    return server(config, SignalingListener.NONE);
  }

  protected TestServer server() throws Exception {
    return server(SignalingConfig.defaults());
  }

  // ------------------------------------------------------------------ helpers

  protected static String register(String nodeId, String username) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + username + "\"}";
  }

  protected static String error(String text) {
    return "{\"type\":\"error\",\"error\":\"" + text + "\"}";
  }

  /** A participants message; each entry is "nodeId:username". */
  protected static String participants(String... entries) {
    return "{\"type\":\"participants\",\"participants\":["
        + java.util.Arrays.stream(entries)
            .map(e -> e.split(":", 2))
            .map(e -> "{\"nodeId\":\"" + e[0] + "\",\"username\":\"" + e[1] + "\"}")
            .collect(Collectors.joining(","))
        + "]}";
  }

  protected static String presence(String action, String nodeId, String username) {
    return "{\"type\":\"presence\",\"action\":\"" + action + "\",\"nodeId\":\"" + nodeId
        + "\",\"username\":\"" + username + "\",\"publicKey\":\"\"}";
  }

  protected static String signal(String from, String to, String payload) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":" + payload + "}";
  }

  /**
   * Waits until a condition on the server's state holds, polling, for at most {@link
   * TestClient#TIMEOUT}. For state that no message reports (a dropped message, a close seen).
   */
  protected static void eventually(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + TestClient.TIMEOUT + ": " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
  }

  /** Asserts that nothing is waiting for this client: its probe is answered first. */
  protected static void assertNothingPending(TestClient client) {
    client.send(PROBE);
    assertThat(client.next()).as("next message for %s after a probe", client).isEqualTo(UNKNOWN_TYPE);
  }

  /** Registers a client and consumes what the registration sent it. */
  protected static TestClient joined(TestServer server, String nodeId, String username, TestClient... others)
      throws Exception {
    TestClient client = server.connect();
    client.send(register(nodeId, username));
    assertThat(client.next()).startsWith("{\"type\":\"participants\"");
    for (TestClient other : others) {
      assertThat(other.next()).startsWith("{\"type\":\"presence\",\"action\":\"join\"");
      assertThat(other.next()).startsWith("{\"type\":\"participants\"");
    }
    return client;
  }

  // ------------------------------------------------------------------ register

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
  void withFieldOverItsLimit_isRefused() throws Exception {
    TestServer server = server(SignalingConfig.builder().maxIdLength(4).maxKeyLength(8).build());
    TestClient a = server.connect();
    a.send(register("abcde", "al"));
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send(register("ab", "alice"));
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\",\"publicKey\":\"123456789\"}");
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\",\"encryptionKey\":\"123456789\"}");
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send("{\"type\":\"register\",\"nodeId\":\"abcd\",\"username\":\"al\",\"publicKey\":\"12345678\"}");
    assertThat(a.next()).isEqualTo(participants("abcd:al"));
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
    a2.send(register("a", "alice2"));
    assertThat(a1.next()).isEqualTo(error("replaced by a newer registration"));
    assertThat(a1.awaitClose()).isEqualTo(new TestClient.CloseStatus(4001, "replaced"));
    assertThat(b.next()).as("no leave for the replaced connection").isEqualTo(presence("join", "a", "alice2"));
    assertThat(b.next()).isEqualTo(participants("a:alice2", "b:bob"));
    assertThat(a2.next()).isEqualTo(participants("a:alice2", "b:bob"));
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

  // ------------------------------------------------------------------ heartbeat

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

  // ------------------------------------------------------------------ role-assign

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

  // ------------------------------------------------------------------ signal

  @Test
  void isForwardedVerbatimToItsTarget() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    String odd = "{ \"payload\" : {\"sdp\":\"v=0\\r\\n\",\"n\":1.50E+3,\"z\":-0.0,\"u\":\"\\u00e9\u00e9\"} ,"
        + "\"to\":\"b\",\t\"type\":\"signal\",\n\"from\":\"a\" }";
    a.send(odd);
    assertThat(b.next()).isEqualTo(odd);
    assertNothingPending(a);
  }

  @Test
  void keepsPerPairOrder() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    for (int i = 0; i < 300; i++) {
      a.send(signal("a", "b", "{\"seq\":" + i + "}"));
    }
    for (int i = 0; i < 300; i++) {
      assertThat(b.next()).isEqualTo(signal("a", "b", "{\"seq\":" + i + "}"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"signal\",\"to\":\"b\",\"payload\":{}}",
      "{\"type\":\"signal\",\"from\":\"a\",\"payload\":{}}",
      "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"\"}",
      "{\"type\":\"signal\",\"from\":\"a\",\"to\":7}",
      "{\"type\":\"signal\",\"from\":null,\"to\":\"b\"}",
  })
  void withoutToOrFrom_isRefused(String message) throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send(message);
    assertThat(a.next()).isEqualTo(error("missing to or from"));
  }

  @Test
  void signalBeforeRegister_isRefused() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient anonymous = server.connect();
    anonymous.send(signal("x", "a", "1"));
    assertThat(anonymous.next()).isEqualTo(error("not registered"));
    assertNothingPending(a);
  }

  @Test
  void withSpoofedFrom_isRefused_unlessSenderBindingIsOff() throws Exception {
    TestServer strict = server();
    TestClient a = joined(strict, "a", "alice");
    TestClient b = joined(strict, "b", "bob", a);
    a.send(signal("b", "b", "1"));
    assertThat(a.next()).isEqualTo(error("from does not match registered nodeId"));
    assertNothingPending(b);

    TestServer lax = server(SignalingConfig.builder().senderBinding(false).build());
    TestClient c = joined(lax, "c", "carol");
    TestClient d = joined(lax, "d", "dave", c);
    c.send(signal("someone-else", "d", "1"));
    assertThat(d.next()).isEqualTo(signal("someone-else", "d", "1"));
  }

  @Test
  void toUnknownNode_answersPeerNotFoundWithTo() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send(signal("a", "zzz", "{}"));
    assertThat(a.next()).isEqualTo("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"zzz\"}");
  }

  @Test
  void toItsOwnNode_isDelivered() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send(signal("a", "a", "\"self\""));
    assertThat(a.next()).isEqualTo(signal("a", "a", "\"self\""));
  }

  // ------------------------------------------------------------------ disconnect

  @Test
  void ofRegisteredNode_sendsLeaveThenParticipants() throws Exception {
    RecordingListener listener = new RecordingListener();
    TestServer server = server(SignalingConfig.defaults(), listener);
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    b.close();
    assertThat(a.next()).isEqualTo(presence("leave", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    listener.await("left b");
    assertThat(listener.events("joined", "left")).containsExactly("joined a", "joined b", "left b");
  }

  @Test
  void ofUnregisteredConnection_isSilent() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient anonymous = server.connect();
    anonymous.close();
    anonymous.awaitClose();
    assertNothingPending(a);
  }

  @Test
  void ofReplacedConnection_neverRemovesTheNewOwner() throws Exception {
    TestServer server = server();
    TestClient a1 = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a1);
    TestClient a2 = server.connect();
    a2.send(register("a", "alice"));
    a2.next();
    b.next();
    b.next();
    a1.close();
    a1.awaitClose();
    assertNothingPending(b);
    assertThat(server.hub().participants()).extracting(Participant::nodeId).containsExactly("a", "b");
    b.send(signal("b", "a", "\"still here\""));
    assertThat(a2.next()).isEqualTo(signal("b", "a", "\"still here\""));
  }

  // ------------------------------------------------------------------ errors

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{", "{\"type\":\"signal\"", "{\"type\":'x'}", "{\"type\":\"x\"} trailing",
      "{\"type\":\"signal\",\"payload\":[1,2,}", "{type:\"x\"}", ""})
  void invalidJson(String message) throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send(message);
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
    assertNothingPending(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"register\"", "42", "null", "{}", "{\"type\":5}", "{\"type\":null}",
      "{\"nodeId\":\"a\"}", "{\"type\":\"signal\",\"type\":\"signal\"}",
      "{\"type\":\"signal\",\"from\":\"a\",\"from\":\"a\",\"to\":\"b\"}",
      "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"to\":\"c\"}",
      "{\"type\":\"register\",\"nodeId\":\"a\",\"nodeId\":\"b\",\"username\":\"u\"}"})
  void invalidMessage(String message) throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send(message);
    assertThat(a.next()).isEqualTo(error("invalid message"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "participants", "presence", "error", "Signal", ""})
  void unknownType(String type) throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send("{\"type\":\"" + type + "\"}");
    assertThat(a.next()).isEqualTo(UNKNOWN_TYPE);
  }

  @Test
  void deeplyNestedJsonIsAnsweredNotFatal() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"a\",\"payload\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
    a.send("[".repeat(100_000));
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
    String nested = "[".repeat(50) + "]".repeat(50);
    a.send(signal("a", "a", nested));
    assertThat(a.next()).isEqualTo(signal("a", "a", nested));
  }

  @Test
  void binaryFramesAreTreatedAsText() throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.sendBinary(register("a", "alice").getBytes(StandardCharsets.UTF_8));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    a.sendBinary(signal("a", "a", "\"é\"").getBytes(StandardCharsets.UTF_8));
    assertThat(a.next()).as("forwarded as a text frame").isEqualTo(signal("a", "a", "\"é\""));
    a.sendBinary(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
  }

  @Test
  void rateLimit_dropsExcessWithOneErrorPerSecond() throws Exception {
    FakeTicker ticker = new FakeTicker();
    TestServer server = server(SignalingConfig.builder().rateLimit(3, 3).ticker(ticker).build());
    TestClient a = server.connect();
    TestClient b = server.connect();
    for (int i = 0; i < 3; i++) {
      a.send(PROBE);
      assertThat(a.next()).isEqualTo(UNKNOWN_TYPE);
    }
    a.send(PROBE);
    assertThat(a.next()).isEqualTo(error("rate limit exceeded"));
    a.send(register("a", "alice")); // dropped, and no second error within the second
    assertNothingPending(b); // another client is unaffected
    eventually("the register is dropped", () -> server.hub().metrics().messagesIn().get("dropped") == 2);
    ticker.advance(Duration.ofSeconds(1));
    assertNothingPending(a);
    assertThat(server.hub().participants()).as("the dropped register").isEmpty();
    a.send(PROBE);
    a.send(PROBE);
    a.send(PROBE);
    assertThat(List.of(a.next(), a.next(), a.next()))
        .containsExactly(UNKNOWN_TYPE, UNKNOWN_TYPE, error("rate limit exceeded"));
  }

  // ------------------------------------------------------------------ consistency

  @Test
  void underConcurrentJoinsAndLeaves_everyClientsLastParticipantsIsTheFinalMembership() throws Exception {
    TestServer server = server();
    int threads = 8;
    int perThread = 12;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<TestClient>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        start.await();
        List<TestClient> kept = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          TestClient c = server.connect();
          c.send(register("n" + thread + "-" + i, "u"));
          if (i % 3 == 2) {
            c.close(); // leaves right after joining
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
      survivors.addAll(f.get(30, TimeUnit.SECONDS));
    }
    pool.shutdown();
    // Closes are asynchronous over sockets: wait until the hub has seen them all.
    eventually("every close is seen", () -> server.hub().participants().size() == survivors.size());
    List<String> finalMembership = server.hub().participants().stream().map(Participant::nodeId).toList();
    assertThat(finalMembership).hasSize(survivors.size());
    for (TestClient c : survivors) {
      c.send(PROBE);
      String lastParticipants = null;
      for (String m = c.next(); !m.equals(UNKNOWN_TYPE); m = c.next()) {
        if (m.startsWith("{\"type\":\"participants\"")) {
          lastParticipants = m;
        }
      }
      assertThat(lastParticipants).as("last participants of %s", c)
          .isEqualTo(participants(finalMembership.stream().map(id -> id + ":u").toArray(String[]::new)));
    }
  }

  @Test
  void participantsSnapshotIsReadableAndImmutable() throws Exception {
    TestServer server = server();
    joined(server, "a", "alice");
    List<Participant> snapshot = server.hub().participants();
    joined(server, "b", "bob");
    assertThat(snapshot).extracting(Participant::nodeId).containsExactly("a");
    assertThat(server.hub().participants()).extracting(Participant::nodeId).containsExactly("a", "b");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> snapshot.add(null))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void closingTheHub_closesEveryClientWith1001() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient anonymous = server.connect();
    server.hub().close();
    server.hub().close();
    assertThat(a.awaitClose()).isEqualTo(new TestClient.CloseStatus(1001, "server shutting down"));
    assertThat(anonymous.awaitClose().code()).isEqualTo(1001);
    assertThat(server.hub().isClosed()).isTrue();
  }

  // ------------------------------------------------------------------ embedding: events, metrics, auth

  @Test
  void listenerSeesEveryKindOfEvent() throws Exception {
    RecordingListener listener = new RecordingListener();
    FakeTicker ticker = new FakeTicker();
    TestServer server = server(SignalingConfig.builder().rateLimit(8, 8).ticker(ticker).build(), listener);
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"]}");
    a.next();
    b.next();
    a.send(signal("a", "b", "1"));
    b.next();
    a.send(signal("a", "nobody", "1"));
    a.next();
    for (int i = 0; i < 8; i++) {
      a.send(PROBE);
    }
    // Each connection is handled on its own thread: let a's events happen before b leaves.
    listener.await("refused peer not found");
    listener.await("rate-limited");
    b.close();
    listener.await("closed 1000 by client");
    listener.await("left b");
    assertThat(listener.events()).containsSubsequence(
        "opened", "joined a", "opened", "joined b", "roles a b [relay]", "relayed a b",
        "refused peer not found", "rate-limited", "left b");
    assertThat(listener.events("opened")).hasSize(2);
  }

  @Test
  void metricsCountMessagesErrorsAndCloses() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    a.send(signal("a", "b", "\"hello\""));
    b.next();
    a.send(signal("a", "nobody", "1"));
    a.next();
    a.send("not json");
    a.next();
    var m = server.hub().metrics();
    assertThat(m.connectionsOpen()).isEqualTo(2);
    assertThat(m.nodesRegistered()).isEqualTo(2);
    assertThat(m.messagesIn()).containsEntry("register", 2L).containsEntry("signal", 2L).containsEntry("invalid", 1L);
    assertThat(m.messagesOut()).containsEntry("signal", 1L).containsEntry("presence", 1L)
        .containsEntry("participants", 3L).containsEntry("error", 2L);
    assertThat(m.errors()).containsEntry("peer not found", 1L).containsEntry("invalid JSON", 1L);
    assertThat(m.signalsRefused()).isEqualTo(1);
    String forwarded = signal("a", "b", "\"hello\"");
    assertThat(m.bytesIn()).isGreaterThanOrEqualTo(forwarded.length());
    assertThat(m.bytesOut()).isGreaterThanOrEqualTo(forwarded.length());
    b.close();
    a.next();
    a.next();
    assertThat(server.hub().metrics().closes()).containsEntry(1000, 1L);
    assertThat(server.hub().metrics().connectionsOpen()).isEqualTo(1);
  }

  @Test
  void authenticatorRefusesWithUnauthorized_andTheConnectionStaysUsable() throws Exception {
    List<RegistrationRequest> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    TestServer server = server(SignalingConfig.builder().authenticator(request -> {
      seen.add(request);
      return request.nodeId().equals("z") || "open sesame".equals(request.auth().get("password"));
    }).build());
    TestClient other = joined(server, "z", "zed");
    TestClient a = server.connect();
    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"publicKey\":\"pk\","
        + "\"auth\":{\"password\":\"wrong\",\"timestamp\":1.50E+3,\"nested\":{\"x\":1}}}");
    assertThat(a.next()).isEqualTo(error("unauthorized"));
    assertNothingPending(other);
    assertThat(server.hub().participants()).extracting(Participant::nodeId).containsExactly("z");
    RegistrationRequest refused = seen.get(seen.size() - 1);
    assertThat(refused.nodeId()).isEqualTo("a");
    assertThat(refused.publicKey()).isEqualTo("pk");
    assertThat(refused.auth()).containsOnly(
        java.util.Map.entry("password", "wrong"), java.util.Map.entry("timestamp", "1.50E+3"));
    assertThat(refused.connection().handshake()).isNotNull();

    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"auth\":{\"password\":\"open sesame\"}}");
    assertThat(a.next()).isEqualTo(participants("z:zed", "a:alice"));
  }

  @Test
  void ed25519ProofOfPossession_acceptsAFreshSignature_refusesStaleForgedAndReplayed() throws Exception {
    java.security.KeyPair keys = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = keys.getPublic().getEncoded();
    String nodeId = java.util.HexFormat.of().formatHex(spki, spki.length - 32, spki.length);
    long now = 1_764_115_200_000L;
    java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.ofEpochMilli(now), java.time.ZoneOffset.UTC);
    TestServer server = server(SignalingConfig.builder()
        .authenticator(dev.signaling.core.Ed25519Authenticator.create(clock, Duration.ofSeconds(30), 1000))
        .build());
    TestClient a = server.connect();

    a.send(register(nodeId, "alice"));
    assertThat(a.next()).as("no proof").isEqualTo(error("unauthorized"));
    a.send(signedRegister(nodeId, keys, now - 31_000));
    assertThat(a.next()).as("stale").isEqualTo(error("unauthorized"));
    java.security.KeyPair other = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    a.send(signedRegister(nodeId, other, now));
    assertThat(a.next()).as("signed by another key").isEqualTo(error("unauthorized"));
    a.send(signedRegister("not-hex", keys, now));
    assertThat(a.next()).as("nodeId is no key").isEqualTo(error("unauthorized"));

    String fresh = signedRegister(nodeId, keys, now - 5_000);
    a.send(fresh);
    assertThat(a.next()).isEqualTo(participants(nodeId + ":alice"));
    TestClient thief = server.connect();
    thief.send(fresh);
    assertThat(thief.next()).as("replayed").isEqualTo(error("unauthorized"));
    assertNothingPending(a);
  }

  private static String signedRegister(String nodeId, java.security.KeyPair keys, long timestamp) throws Exception {
    java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update(dev.signaling.core.Ed25519Authenticator.challenge(nodeId, timestamp).getBytes(StandardCharsets.UTF_8));
    String signature = java.util.HexFormat.of().formatHex(signer.sign());
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"alice\","
        + "\"auth\":{\"timestamp\":" + timestamp + ",\"signature\":\"" + signature + "\"}}";
  }
}
