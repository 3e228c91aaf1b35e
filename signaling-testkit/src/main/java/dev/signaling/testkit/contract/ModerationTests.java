package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The host application disconnects a node, or a connection ({@code SignalingHub.disconnect},
 * {@code disconnectConnection}): close {@code 4002} with the application's reason, and the node
 * leaves as on any close. Part of {@link SignalingContract}.
 */
public abstract class ModerationTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected ModerationTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void aDisconnectedNode_getsClose4002WithTheReason_andTheOthersSeeItLeave() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);

    assertThat(server.hub().disconnect("b", "banned by moderator")).isTrue();

    assertThat(b.awaitClose()).isEqualTo(new TestClient.CloseStatus(4002, "banned by moderator"));
    assertThat(a.next()).isEqualTo(presence("leave", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    assertThat(server.hub().disconnect("nobody", "gone")).as("an unknown node").isFalse();
    assertThatThrownBy(() -> server.hub().disconnect("a", "x".repeat(124)))
        .as("a reason longer than a close frame holds").isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aConnectionIsDisconnectedByTheIdTheListenerReported() throws Exception {
    CompletableFuture<ConnectionInfo> opened = new CompletableFuture<>();
    TestServer server = server(SignalingConfig.defaults(), new SignalingListener() {
      @Override
      public void connectionOpened(ConnectionInfo connection) {
        opened.complete(connection);
      }
    });
    TestClient idle = server.connect();
    String id = opened.get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).id();

    assertThat(server.hub().disconnectConnection(id, "idle")).isTrue();

    assertThat(idle.awaitClose()).isEqualTo(new TestClient.CloseStatus(4002, "idle"));
  }
}
