package dev.signaling.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import org.junit.jupiter.api.Test;

/** The hub through the in-memory transport: listener failures, closing, counting. */
class SignalingHubTest {

  @Test
  void aThrowingListenerNeverBreaksTheServer() {
    SignalingListener throwing = new SignalingListener() {
      @Override
      public void nodeJoined(Participant participant) {
        throw new IllegalStateException("listener bug");
      }
    };
    try (InMemoryTransport server = InMemoryTransport.start(SignalingConfig.defaults(), throwing)) {
      TestClient a = server.connect();
      a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      assertThat(a.next()).isEqualTo("{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"alice\"}]}");
      assertThat(a.isClosed()).isFalse();
    }
  }

  @Test
  void connectionsOpenedAfterCloseAreClosedAt1001() {
    try (InMemoryTransport server = InMemoryTransport.start(SignalingConfig.defaults(), SignalingListener.NONE)) {
      server.hub().close();
      TestClient late = server.connect();
      assertThat(late.awaitClose()).isEqualTo(new TestClient.CloseStatus(1001, "server shutting down"));
      assertThat(server.hub().connectionCount()).isZero();
    }
  }

  @Test
  void countsOpenConnections() {
    try (InMemoryTransport server = InMemoryTransport.start(SignalingConfig.defaults(), SignalingListener.NONE)) {
      TestClient a = server.connect();
      server.connect();
      assertThat(server.hub().connectionCount()).isEqualTo(2);
      a.close();
      assertThat(server.hub().connectionCount()).isEqualTo(1);
    }
  }
}
