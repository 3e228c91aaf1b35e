package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.ClientRecorder.Participants;
import dev.signaling.transport.javawebsocket.SignalingClient.RoleAssignment;
import dev.signaling.transport.javawebsocket.SignalingClient.ServerError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's guarantees as an application sees them through {@link SignalingClient}: where a
 * typed client reads better than raw frames.
 */
class ClientServerIntegrationTest {

  private final List<SignalingClient> clients = new CopyOnWriteArrayList<>();
  private SignalingServer server;

  private void start(SignalingConfig config) {
    server = SignalingServer.builder().host("127.0.0.1").port(0).config(config).start();
  }

  @AfterEach
  void stop() {
    clients.forEach(SignalingClient::close);
    if (server != null) {
      server.close();
    }
  }

  private SignalingClient connect(String nodeId, ClientRecorder recorder) {
    SignalingClient client = SignalingClient.builder(server.webSocketUri(), nodeId, "user-" + nodeId)
        .listener(recorder)
        .connect();
    clients.add(client);
    return client;
  }

  @Test
  void whenManyNodesJoinAtOnce_everyoneEndsWithTheServersMembership_inRegistrationOrder() {
    start(SignalingConfig.defaults());
    int count = 40;
    List<ClientRecorder> recorders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ClientRecorder recorder = new ClientRecorder();
      recorders.add(recorder);
      connect("n" + i, recorder);
    }

    for (ClientRecorder recorder : recorders) {
      recorder.await(Participants.class, p -> p.participants().size() == count);
    }

    List<String> membership = server.participants().stream().map(Participant::nodeId).toList();
    assertThat(membership).hasSize(count);
    for (ClientRecorder recorder : recorders) {
      List<Participants> lists = recorder.all(Participants.class);
      assertThat(lists.get(lists.size() - 1).nodeIds()).as("the last list a client got").isEqualTo(membership);
    }
  }

  @Test
  void aNewcomer_isToldTheRolesThatOthersAlreadyHave() {
    start(SignalingConfig.defaults());
    ClientRecorder a = new ClientRecorder();
    SignalingClient clientA = connect("a", a);
    a.await(Participants.class);
    clientA.sendRoleAssign("a", List.of("relay"));
    a.await(RoleAssignment.class);

    ClientRecorder b = new ClientRecorder();
    connect("b", b);

    assertThat(b.await(RoleAssignment.class)).isEqualTo(new RoleAssignment("a", List.of("relay"), "a"));
  }

  @Test
  void aClientOverTheRateLimit_isToldSo_andStaysConnected() {
    start(SignalingConfig.builder().rateLimit(5, 5).build());
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = connect("a", a);
    a.await(Participants.class);

    for (int i = 0; i < 20; i++) {
      client.sendHeartbeat();
    }

    assertThat(a.await(ServerError.class)).isEqualTo(new ServerError("rate limit exceeded", null));
    assertThat(client.isConnected()).isTrue();
  }

  @Test
  void underTheRejectPolicy_aSecondRegistrationOfANodeId_isRefused_andTheFirstKeepsIt() {
    start(SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).build());
    ClientRecorder first = new ClientRecorder();
    connect("a", first);
    first.await(Participants.class);
    ClientRecorder second = new ClientRecorder();

    connect("a", second);

    assertThat(second.await(ServerError.class)).isEqualTo(new ServerError("nodeId already registered", null));
    assertThat(second.all(Participants.class)).isEmpty();
    assertThat(first.all(SignalingClient.Disconnect.class)).isEmpty();
    assertThat(server.participants()).extracting(Participant::nodeId).containsExactly("a");
  }
}
