package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingException;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.net.ConnectException;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** A server's lifecycle: binding, URIs, close. */
public abstract class LifecycleTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected LifecycleTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private ServerHandle startOnLoopback(int port) {
    return start(ServerSpec.loopback().port(port));
  }

  @Test
  void portZero_bindsARealPort_andTheUrisUseIt() throws Exception {
    try (ServerHandle server = startOnLoopback(0)) {
      assertThat(server.port()).isPositive();
      assertThat(server.host()).isEqualTo("127.0.0.1");
      assertThat(server.webSocketUri()).isEqualTo(URI.create("ws://127.0.0.1:" + server.port()));
      assertThat(server.healthUri()).isEqualTo(URI.create("http://127.0.0.1:" + server.port() + "/health"));
      assertThat(server.participants()).isEmpty();
      try (RawSocket socket = new RawSocket(server.port())) {
        socket.write("GET /health HTTP/1.1\r\n\r\n");
        assertThat(socket.readToEndAscii()).startsWith("HTTP/1.1 200 OK");
      }
    }
  }

  @Test
  void startReturnsOnlyWhenConnectionsAreAccepted() throws Exception {
    try (ServerHandle server = startOnLoopback(0)) {
      WebSocketTestClient client = WebSocketTestClient.connect("first", server.webSocketUri());
      client.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      assertThat(client.next()).startsWith("{\"type\":\"participants\"");
      assertThat(server.participants()).containsExactly(new Participant("a", "alice", "", null));
      client.close();
    }
  }

  @Test
  void portAlreadyInUse_throwsSignalingExceptionNamingThePort() {
    try (ServerHandle first = startOnLoopback(0)) {
      assertThatThrownBy(() -> startOnLoopback(first.port()))
          .isInstanceOf(SignalingException.class)
          .hasMessageContaining(String.valueOf(first.port()))
          .hasMessageContaining("in use");
    }
  }

  @Test
  void close_isIdempotent_closesClientsWith1001_andStopsListening() throws Exception {
    ServerHandle server = startOnLoopback(0);
    WebSocketTestClient client = WebSocketTestClient.connect("client", server.webSocketUri());
    client.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
    client.next();
    server.close();
    server.close();
    assertThat(client.awaitClose()).isEqualTo(new TestClient.CloseStatus(1001, "server shutting down"));
    assertThat(server.hub().isClosed()).isTrue();
    assertThatThrownBy(() -> new RawSocket(server.port()).close()).isInstanceOf(ConnectException.class);
  }

  @Test
  void close_returnsPromptly_whileAClientHangsBeforeItsHandshake() throws Exception {
    ServerHandle server = startOnLoopback(0);
    try (RawSocket hanging = new RawSocket(server.port())) {
      long start = System.nanoTime();
      server.close();
      assertThat((System.nanoTime() - start) / 1_000_000).as("close() in ms").isLessThan(3_000);
      assertThat(hanging.readToEnd()).as("dropped without an answer").isEmpty();
    }
  }

  @Test
  void aNewServerBindsThePortRightAfterClose() throws Exception {
    int port;
    try (ServerHandle first = startOnLoopback(0)) {
      port = first.port();
      // Leave connections behind in TIME_WAIT, as a real server would.
      WebSocketTestClient client = WebSocketTestClient.connect("client", first.webSocketUri());
      client.send("{\"type\":\"nope\"}");
      client.next();
    }
    try (ServerHandle second = startOnLoopback(port)) {
      assertThat(second.port()).isEqualTo(port);
      WebSocketTestClient client = WebSocketTestClient.connect("again", second.webSocketUri());
      client.send("{\"type\":\"nope\"}");
      assertThat(client.next()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
      client.close();
    }
  }

  @Test
  void close_leavesNoThreadBehind() throws Exception {
    assertCloseLeavesNoThreadBehind();
  }

  @Test
  void builder_refusesValuesThatMakeNoSense() {
    assertThatThrownBy(() -> factory().start(ServerSpec.loopback().port(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> factory().start(ServerSpec.loopback().port(65_536)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> factory().start(ServerSpec.loopback().host(" "))).isInstanceOf(IllegalArgumentException.class);
  }
}
