package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.ClientRecorder.Participants;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server's guarantees as an application sees them through {@link SignalingClient}: where a
 * typed client reads better than raw frames.
 */
class ClientServerIntegrationTest {

  private final Loopback loopback = new Loopback();
  private SignalingServer server;

  private void start(SignalingConfig config) {
    server = loopback.start(config);
  }

  @AfterEach
  void stop() {
    loopback.close();
  }

  @Test
  void whenManyNodesJoinAtOnce_everyoneEndsWithTheServersMembership_inRegistrationOrder() {
    start(SignalingConfig.defaults());
    int count = 40;
    List<ClientRecorder> recorders = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ClientRecorder recorder = new ClientRecorder();
      recorders.add(recorder);
      loopback.connect(Loopback.builder(server.webSocketUri(), "n" + i, recorder));
    }

    for (ClientRecorder recorder : recorders) {
      recorder.await(Participants.class, p -> p.participants().size() == count);
    }

    List<String> membership = server.participants().stream().map(dev.signaling.core.Participant::nodeId).toList();
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
    SignalingClient clientA = loopback.registered(server.webSocketUri(), "a", a);
    assertThat(clientA.sendRoleAssign("a", List.of("relay"))).isTrue();
    a.await(RoleAssignment.class);

    ClientRecorder b = new ClientRecorder();
    loopback.connect(Loopback.builder(server.webSocketUri(), "b", b));

    assertThat(b.await(RoleAssignment.class)).isEqualTo(new RoleAssignment("a", List.of("relay"), "a"));
  }

  @Test
  void aClientOverTheRateLimit_isToldSo_andStaysRegistered() {
    start(SignalingConfig.builder().rateLimit(5, 5).build());
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.registered(server.webSocketUri(), "a", a);

    for (int i = 0; i < 20; i++) {
      client.sendHeartbeat();
    }

    assertThat(a.await(ServerError.class)).isEqualTo(new ServerError("rate limit exceeded", null));
    assertThat(client.isRegistered()).isTrue();
    assertThat(a.all(RegisterRefusal.class)).as("an error after the registration is not a refusal").isEmpty();
  }
}
