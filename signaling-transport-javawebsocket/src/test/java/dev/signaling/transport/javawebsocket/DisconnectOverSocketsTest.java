package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.testkit.TestClient;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The host application disconnects a node, or a connection, over real sockets. */
class DisconnectOverSocketsTest {

  private JavaWebSocketTestServer server;

  @AfterEach
  void stop() {
    server.close();
  }

  private static String register(String id) {
    return "{\"type\":\"register\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id + "\"}";
  }

  @Test
  void aDisconnectedNode_getsClose4002WithTheReason_andTheOthersSeeItLeave() throws Exception {
    server = JavaWebSocketTestServer.start(SignalingConfig.defaults(), SignalingListener.NONE);
    JdkTestClient a = server.connect();
    a.send(register("a"));
    a.next();
    JdkTestClient b = server.connect();
    b.send(register("b"));
    b.next();
    a.next();
    a.next();

    assertThat(server.hub().disconnect("b", "banned by moderator")).isTrue();

    assertThat(b.awaitClose()).isEqualTo(new TestClient.CloseStatus(4002, "banned by moderator"));
    assertThat(a.next()).isEqualTo("{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"b\",\"username\":\"ub\","
        + "\"publicKey\":\"\"}");
    assertThat(a.next()).isEqualTo("{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"ua\"}]}");
    assertThatThrownBy(() -> server.hub().disconnect("a", "x".repeat(124)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aConnectionIsDisconnectedByTheIdTheListenerReported() throws Exception {
    CompletableFuture<ConnectionInfo> opened = new CompletableFuture<>();
    server = JavaWebSocketTestServer.start(SignalingConfig.defaults(), new SignalingListener() {
      @Override
      public void connectionOpened(ConnectionInfo connection) {
        opened.complete(connection);
      }
    });
    JdkTestClient idle = server.connect();
    String id = opened.get(10, TimeUnit.SECONDS).id();

    assertThat(server.hub().disconnectConnection(id, "idle")).isTrue();

    assertThat(idle.awaitClose()).isEqualTo(new TestClient.CloseStatus(4002, "idle"));
  }
}
