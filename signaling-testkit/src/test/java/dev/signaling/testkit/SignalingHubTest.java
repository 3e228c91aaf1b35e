package dev.signaling.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

  @Test
  void aFailedHubClosesEveryConnectionWith1011AndTellsTheListenerOnce() {
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    SignalingListener listener = new SignalingListener() {
      @Override
      public void serverFailed(Throwable cause) {
        failures.add(cause);
      }
    };
    try (InMemoryTransport server = InMemoryTransport.start(SignalingConfig.defaults(), listener)) {
      TestClient a = server.connect();
      a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      a.next();
      TestClient idle = server.connect();
      OutOfMemoryError cause = new OutOfMemoryError("test");

      server.hub().fail(cause);
      server.hub().fail(new OutOfMemoryError("again"));

      assertThat(a.awaitClose()).isEqualTo(new TestClient.CloseStatus(1011, "internal error"));
      assertThat(idle.awaitClose()).isEqualTo(new TestClient.CloseStatus(1011, "internal error"));
      assertThat(failures).as("told once, with the first cause").containsExactly(cause);
      assertThat(server.hub().isClosed()).isTrue();
      server.hub().close(); // a no-op now
      assertThat(failures).hasSize(1);
    }
  }
}
