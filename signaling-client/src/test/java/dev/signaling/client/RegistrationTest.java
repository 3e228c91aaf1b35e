package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.ClientRecorder.Closed;
import dev.signaling.client.ClientRecorder.Participants;
import dev.signaling.client.ClientRecorder.Registered;
import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Registered" means what the server says: the state transitions for an accepted register, for
 * each refusal, for a replaced registration and for a connection that comes back.
 */
class RegistrationTest {

  private final Loopback loopback = new Loopback();
  private SignalingServer server;

  @AfterEach
  void stop() {
    loopback.close();
  }

  private void start(SignalingConfig config) {
    server = loopback.start(config);
  }

  private static List<String> nodeIds(SignalingServer server) {
    return server.participants().stream().map(dev.signaling.core.Participant::nodeId).toList();
  }

  @Test
  void accepted_awaitRegisteredRightAfterConnect_thenTheSendGoesOut() throws Exception {
    start(SignalingConfig.defaults());
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), "a", a));

    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isTrue();
    assertThat(client.sendRoleAssign("a", List.of("relay"))).as("a send right after the wait").isTrue();

    assertThat(a.await(RoleAssignment.class)).isEqualTo(new RoleAssignment("a", List.of("relay"), "a"));
    assertThat(client.state()).isEqualTo(ClientState.REGISTERED);
    assertThat(client.isRegistered()).isTrue();
    assertThat(client.whenRegistered().get(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isSameAs(client);
    assertThat(a.events().subList(0, 2)).as("onRegistered, then the list that holds this node")
        .containsExactly(new Registered(ClientState.REGISTERED), new Participants(List.of(new Participant("a", "user-a", null))));
    assertThat(client.participants()).containsExactly(new Participant("a", "user-a", null));
  }

  @Test
  void untilTheServerAnswers_theClientIsRegistering_andSendsNothing() throws Exception {
    try (ScriptedServer silent = ScriptedServer.refusing(List.of(""), true)) {
      ClientRecorder a = new ClientRecorder();
      SignalingClient client = loopback.connect(Loopback.builder(silent.uri(), "a", a));

      assertThat(silent.registers.poll(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).contains("\"register\"");
      assertThat(client.state()).isEqualTo(ClientState.REGISTERING);
      assertThat(client.isRegistered()).isFalse();
      assertThat(client.sendHeartbeat()).isFalse();
      assertThat(client.sendSignal("b", "1")).isFalse();
      assertThat(client.awaitRegistered(java.time.Duration.ofMillis(1))).isFalse();
      assertThat(client.whenRegistered()).isNotDone();
    }
  }

  @Test
  void nodeIdAlreadyRegistered_isReported_retried_andRegistersOnceTheHolderLeaves() throws Exception {
    start(SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build());
    SignalingClient holder = loopback.registered(server.webSocketUri(), "a", new ClientRecorder());
    ClientRecorder second = new ClientRecorder();
    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), "a", second));

    assertThat(second.await(RegisterRefusal.class)).isEqualTo(new RegisterRefusal("nodeId already registered", true));
    Disconnect disconnect = second.await(Disconnect.class);
    assertThat(disconnect).isEqualTo(new Disconnect(1000, "register refused: nodeId already registered", false,
        Loopback.FAST.initial()));
    assertThat(second.states()).startsWith("RegisterRefusal WAITING", "Disconnect WAITING");
    assertThat(second.all(Registered.class)).isEmpty();
    assertThat(client.sendHeartbeat()).as("not registered").isFalse();

    holder.close();

    assertThat(second.await(Registered.class).state()).isEqualTo(ClientState.REGISTERED);
    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isTrue();
    assertThat(nodeIds(server)).containsExactly("a");
  }

  @Test
  void fieldTooLong_isReported_andFinal_theClientStopsUnregistered() throws Exception {
    start(SignalingConfig.builder().maxIdLength(8).build());
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), "nine-char", a));

    assertThat(a.await(RegisterRefusal.class)).isEqualTo(new RegisterRefusal("field too long", false));
    assertThat(a.await(Disconnect.class).willReconnect()).isFalse();
    assertThat(a.await(Closed.class).state()).isEqualTo(ClientState.CLOSED);
    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isFalse();
    assertThatThrownBy(() -> client.whenRegistered().get()).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(SignalingClientException.class).hasMessageContaining("field too long");
    assertThat(client.sendSignal("b", "1")).isFalse();
    assertThat(a.all(Registered.class)).isEmpty();
    assertThat(server.participants()).isEmpty();
  }

  @Test
  void unauthorized_isReported_andFinal() throws Exception {
    start(SignalingConfig.builder().authenticator(request -> false).build());
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), "a", a));

    assertThat(a.await(RegisterRefusal.class)).isEqualTo(new RegisterRefusal("unauthorized", false));
    a.await(Closed.class);
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    assertThat(a.all(Disconnect.class)).hasSize(1);
    assertThat(server.participants()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"unauthorized", "field too long", "invalid key", "missing nodeId or username",
      "invalid JSON", "invalid message", "unknown type"})
  void everyRefusalThatWouldRepeat_stopsTheClient_afterOneRegister(String error) throws Exception {
    try (ScriptedServer scripted = ScriptedServer.refusing(List.of(error), true)) {
      ClientRecorder a = new ClientRecorder();
      SignalingClient client = loopback.connect(Loopback.builder(scripted.uri(), "a", a));

      assertThat(a.await(RegisterRefusal.class)).isEqualTo(new RegisterRefusal(error, false));
      assertThat(a.await(Disconnect.class).reason()).isEqualTo("register refused: " + error);
      a.await(Closed.class);
      assertThat(client.state()).isEqualTo(ClientState.CLOSED);
      assertThat(scripted.registers).as("registers sent").hasSize(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nodeId already registered", "rate limit exceeded", "some text of a newer server"})
  void everyRefusalThatCanChange_isRetried_untilTheServerAccepts(String error) throws Exception {
    try (ScriptedServer scripted = ScriptedServer.refusing(List.of(error, error), true)) {
      ClientRecorder a = new ClientRecorder();
      SignalingClient client = loopback.connect(Loopback.builder(scripted.uri(), "a", a));

      assertThat(a.await(RegisterRefusal.class)).isEqualTo(new RegisterRefusal(error, true));
      assertThat(a.await(RegisterRefusal.class)).isEqualTo(new RegisterRefusal(error, true));
      assertThat(a.await(Registered.class).state()).isEqualTo(ClientState.REGISTERED);
      assertThat(a.all(Disconnect.class)).extracting(Disconnect::reconnectDelay)
          .as("the backoff grows with each refusal").containsExactly(Loopback.FAST.initial(), Loopback.FAST.initial().multipliedBy(2));
      assertThat(scripted.registers).hasSize(3);
      assertThat(client.sendHeartbeat()).isTrue();
    }
  }

  @Test
  void replacedByANewerRegistration_isReported_andNotFoughtBack() throws Exception {
    start(SignalingConfig.defaults());
    ClientRecorder first = new ClientRecorder();
    SignalingClient older = loopback.registered(server.webSocketUri(), "a", first);
    ClientRecorder second = new ClientRecorder();
    SignalingClient newer = loopback.registered(server.webSocketUri(), "a", second);

    assertThat(first.await(ServerError.class)).isEqualTo(new ServerError("replaced by a newer registration", null));
    Disconnect replaced = first.await(Disconnect.class);
    assertThat(replaced.code()).isEqualTo(4001);
    assertThat(replaced.remote()).isTrue();
    assertThat(replaced.willReconnect()).isFalse();
    assertThat(first.await(Closed.class).state()).isEqualTo(ClientState.CLOSED);
    assertThat(older.sendHeartbeat()).isFalse();
    assertThat(first.all(RegisterRefusal.class)).as("it was registered: not a refusal").isEmpty();
    assertThat(newer.isRegistered()).isTrue();
    assertThat(second.all(Disconnect.class)).isEmpty();
    assertThat(nodeIds(server)).containsExactly("a");
  }

  @Test
  void aConnectionTheServerCloses_isReconnected_andRegisteredAgain() throws Exception {
    start(SignalingConfig.builder().maxMessageBytes(1024).build());
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.registered(server.webSocketUri(), "a", a);
    java.util.concurrent.CompletableFuture<SignalingClient> firstRegistration = client.whenRegistered();

    assertThat(client.sendSignalString("a", "x".repeat(2_000))).isTrue(); // over the server's limit: 1009

    Disconnect closed = a.await(Disconnect.class);
    assertThat(closed.code()).isEqualTo(1009);
    assertThat(closed.remote()).isTrue();
    assertThat(closed.reconnectDelay()).isEqualTo(Loopback.FAST.initial());
    assertThat(a.states()).contains("Disconnect WAITING");
    assertThat(a.await(Registered.class).state()).isEqualTo(ClientState.REGISTERED);
    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isTrue();
    assertThat(client.sendRoleAssign("a", List.of("back"))).isTrue();
    assertThat(a.await(RoleAssignment.class).roles()).containsExactly("back");
    assertThat(firstRegistration).isCompleted();
    assertThat(nodeIds(server)).containsExactly("a");
  }
}
