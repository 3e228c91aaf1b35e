package dev.signaling.testkit.transport;

import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.Waits;
import dev.signaling.testkit.WebSocketTestClient;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A server's {@code close()} with clients of every kind attached: {@code /health} turns to
 * {@code 503} before any client is closed, every client gets {@code 1001}, no {@code presence
 * leave} is broadcast, close returns within a bounded time even when a client does not read, and
 * the port can be bound again at once.
 */
public abstract class GracefulShutdownTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected GracefulShutdownTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  @Test
  void close_turnsHealthTo503First_closesEveryClientWith1001_returnsPromptly_andFreesThePort() throws Exception {
    List<String> closes = new CopyOnWriteArrayList<>();
    ServerHandle[] self = new ServerHandle[1];
    SignalingListener listener = new SignalingListener() {
      @Override
      public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
        // What /health would answer at the moment this client is closed.
        closes.add(code + " " + reason + (self[0].isShuttingDown() ? " (health 503)" : " (health 200)"));
      }
    };
    ServerHandle server = start(wire().spec()
        .config(SignalingConfig.builder().noRateLimit().build()).listener(listener));
    self[0] = server;
    int port = server.port();

    List<WebSocketTestClient> clients = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      WebSocketTestClient c = WebSocketTestClient.connect("c" + i, server.webSocketUri());
      c.send(register("n" + i));
      clients.add(c);
    }
    WebSocketTestClient anonymous = WebSocketTestClient.connect("anonymous", server.webSocketUri());
    // One client that stops reading, with a backlog that its socket buffers cannot take, and one
    // that is still in the middle of its HTTP request.
    RawSocket stuck = new RawSocket(server.port(), 4096).upgrade("/").register("stuck");
    RawSocket halfway = new RawSocket(server.port());
    halfway.write("GET / HTTP/1.1\r\nHost: x\r\n");
    String big = "{\"type\":\"signal\",\"from\":\"n0\",\"to\":\"stuck\",\"payload\":\"" + "b".repeat(60_000) + "\"}";
    // Flood until bytes wait in the server for it (its socket buffers took what they could).
    for (int i = 0; server.hub().metrics().maxQueuedBytes() < 256 * 1024; i++) {
      assertThat(i).as("signals sent to the stuck client").isLessThan(1_000);
      clients.get(0).send(big);
    }
    for (WebSocketTestClient c : clients) {
      // An answer queues behind the membership messages the pacer holds: once it arrives, every
      // registration reached this client, and everything before the close is counted.
      c.send("{\"type\":\"probe\"}");
      for (String m = c.next(); !m.contains("unknown type"); m = c.next()) {
        // the others' registrations
      }
    }
    long presenceBefore = server.hub().metrics().messagesOut().get("presence");

    long start = System.nanoTime();
    server.close();
    long closeMillis = (System.nanoTime() - start) / 1_000_000;

    assertThat(closeMillis).as("close() in ms").isLessThan(5_000);
    for (WebSocketTestClient c : clients) {
      assertThat(c.awaitClose()).as("%s", c).isEqualTo(new TestClient.CloseStatus(1001, "server shutting down"));
    }
    assertThat(anonymous.awaitClose()).isEqualTo(new TestClient.CloseStatus(1001, "server shutting down"));
    assertThat(halfway.readToEnd()).as("the unfinished request is dropped without an answer").isEmpty();
    // The stuck client's close may be reported after close() returns: its socket is abandoned,
    // not waited for.
    Waits.until("every attached client's close reported", () -> closes.size() >= 7);
    assertThat(closes).as("every attached client, each closed after /health turned to 503").hasSize(7)
        .allMatch(c -> c.equals("1001 server shutting down (health 503)"), "1001 while health answers 503");
    assertThat(server.hub().metrics().messagesOut().get("presence")).as("no presence leave on shutdown")
        .isEqualTo(presenceBefore);
    assertThatThrownBy(() -> new RawSocket(port).close()).as("no longer accepting").isInstanceOf(ConnectException.class);

    // The stuck client still holds its end of a connection: the port is free all the same.
    try (ServerHandle second = start(wire().spec().port(port));
        RawSocket health = new RawSocket(port)) {
      health.write("GET /health HTTP/1.1\r\n\r\n");
      assertThat(health.readToEndAscii()).startsWith("HTTP/1.1 200 OK").endsWith("{\"ok\":true}");
    } finally {
      stuck.close();
      halfway.close();
      clients.forEach(WebSocketTestClient::close);
      anonymous.close();
    }
  }
}
