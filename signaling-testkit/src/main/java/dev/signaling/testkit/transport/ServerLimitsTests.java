package dev.signaling.testkit.transport;

import static dev.signaling.testkit.Messages.PROBE;
import static dev.signaling.testkit.Messages.UNKNOWN_TYPE;
import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.Waits;
import dev.signaling.testkit.WebSocketTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hub's server-wide limits of the reliability issue, as they hold over a transport's real
 * sockets: the register timeout, an authenticator that never delays other connections, and the
 * server-wide budget of bytes queued for connections that never read.
 */
public abstract class ServerLimitsTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected ServerLimitsTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeRawSockets() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private static String signal(String from, String to, int payloadChars) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":\""
        + "x".repeat(payloadChars) + "\"}";
  }

  /**
   * The next message that is no membership change (the stalled clients' joins and leaves), nor
   * the refusal of a signal still in flight to a stalled client that was shed meanwhile.
   */
  private static String nextSignal(TestClient client) {
    String message;
    do {
      message = client.next();
    } while (message.startsWith("{\"type\":\"presence\"") || message.startsWith("{\"type\":\"participants\"")
        || message.equals("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"big\"}"));
    return message;
  }

  @Test
  void anUpgradedSocketThatNeverRegisters_isClosed1008RegisterTimeout_aRegisteredOneStays() throws Exception {
    ServerHandle server = start(SignalingConfig.builder().registerTimeout(Duration.ofSeconds(1)).build());
    WebSocketTestClient idle = wire().connect("idle", server.webSocketUri());
    WebSocketTestClient member = wire().connect("member", server.webSocketUri());
    member.send(register("m"));
    member.next();

    assertThat(idle.awaitClose()).isEqualTo(new TestClient.CloseStatus(1008, "register timeout"));
    member.send(PROBE);
    assertThat(member.next()).isEqualTo(UNKNOWN_TYPE);
  }

  @Test
  void aSlowAuthenticator_neverDelaysOtherConnections() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    closing.add(release::countDown); // released before the server closes
    ServerHandle server = start(SignalingConfig.builder().authenticator(request -> {
      if (request.nodeId().equals("slow")) {
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return true;
    }).build());
    WebSocketTestClient honest = wire().connect("honest", server.webSocketUri());
    honest.send(register("h"));
    honest.next();
    WebSocketTestClient slow = wire().connect("slow", server.webSocketUri());
    slow.send(register("slow"));
    for (int i = 0; i < 20; i++) {
      honest.send("{\"type\":\"heartbeat\"}");
      honest.send(signal("h", "h", 10));
      assertThat(honest.next()).as("served while the check waits").isEqualTo(signal("h", "h", 10));
    }
    release.countDown();
    assertThat(slow.next()).startsWith("{\"type\":\"participants\"").contains("\"slow\"");
  }

  @Test
  void clientsThatNeverRead_areShedByTheServerWideBudget_largestFirst_aSmallOneAndAnHonestOneStay() throws Exception {
    List<ConnectionInfo> slowConsumers = new CopyOnWriteArrayList<>();
    CountDownLatch shed = new CountDownLatch(1);
    // Each connection's own cap far above what is sent: only the server-wide budget can shed.
    ServerHandle server = start(SignalingConfig.builder()
        .noRateLimit().noFanoutLimit().maxQueuedBytes(64L << 20).maxTotalQueuedBytes(2L << 20).build(),
        new SignalingListener() {
          @Override
          public void slowConsumer(ConnectionInfo connection) {
            slowConsumers.add(connection);
            shed.countDown();
          }
        });
    WebSocketTestClient honest = wire().connect("honest", server.webSocketUri());
    honest.send(register("h"));
    honest.next();
    for (String id : List.of("big", "small")) {
      RawSocket raw = new RawSocket(server.port(), 4096).upgrade("/" + id);
      closing.add(raw);
      raw.sendText(register(id));
    }
    for (int joins = 0; joins < 2; ) { // both registered before anything is sent to them
      if (honest.next().startsWith("{\"type\":\"presence\",\"action\":\"join\"")) {
        joins++;
      }
    }
    honest.send(signal("h", "small", 16_000));
    // The kernel's socket buffers take the first megabytes; then the server's queue grows.
    for (int round = 0; round < 1000 && shed.getCount() > 0; round++) {
      honest.send(signal("h", "big", 16_000));
      if (round % 16 == 0) {
        honest.send(signal("h", "h", 10));
        assertThat(nextSignal(honest)).as("the honest client is served throughout").isEqualTo(signal("h", "h", 10));
      }
    }
    assertThat(shed.await(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("the budget sheds").isTrue();
    assertThat(slowConsumers).extracting(c -> c.handshake().path()).containsExactly("/big");
    honest.send(PROBE);
    assertThat(nextSignal(honest)).isEqualTo(UNKNOWN_TYPE);
    // The shed node leaves once its connection is closed, which the transport finishes on its own.
    Waits.until("the shed node left", () -> server.hub().participants().size() == 2);
    assertThat(server.hub().participants()).extracting(p -> p.nodeId()).containsExactly("h", "small");
  }
}
