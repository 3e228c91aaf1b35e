package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.ClientRecorder.Closed;
import dev.signaling.client.ClientRecorder.Participants;
import dev.signaling.client.ClientRecorder.Registered;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Lost connections: backoff, jitter, liveness pings, and no reconnection when asked for none. */
class ReconnectTest {

  /** Small enough that a signal can make the server close a connection with 1009 on cue. */
  private static final SignalingConfig SMALL_MESSAGES = SignalingConfig.builder().maxMessageBytes(1024).build();

  private final Loopback loopback = new Loopback();
  private SignalingServer server;

  @AfterEach
  void stop() {
    loopback.close();
  }

  private SignalingServer start(int port) {
    return loopback.start(SignalingServer.builder().port(port).config(SMALL_MESSAGES));
  }

  /** Makes the server close {@code client}'s connection: a message over its limit gets 1009. */
  private static void provokeServerClose(SignalingClient client) {
    assertThat(client.sendSignalString(client.nodeId(), "x".repeat(2_000))).isTrue();
  }

  @Test
  void whenTheServerRestartsOnTheSamePort_theClientBacksOffExponentially_thenRegistersAgain() {
    server = start(0);
    ClientRecorder a = new ClientRecorder();
    ClientRecorder b = new ClientRecorder();
    SignalingClient clientA = loopback.registered(server.webSocketUri(), "a", a);
    loopback.registered(server.webSocketUri(), "b", b);
    a.await(Participants.class, p -> p.participants().size() == 2);
    int port = server.port();

    server.close();
    // 1001, then refused attempts: 10, 20, 40, 80 (the cap), 80, ... ms with jitter at 0.
    List<Duration> delays = new ArrayList<>();
    Disconnect first = a.await(Disconnect.class);
    assertThat(first.code()).isEqualTo(1001);
    delays.add(first.reconnectDelay());
    for (int i = 0; i < 5; i++) {
      // Usually refused (-1); an attempt that reaches the old server while it still stops gets
      // its 503 instead. Either way it is a failed attempt.
      Disconnect failed = a.await(Disconnect.class);
      assertThat(failed.remote()).isTrue();
      delays.add(failed.reconnectDelay());
    }
    assertThat(delays).extracting(Duration::toMillis).containsExactly(10L, 20L, 40L, 80L, 80L, 80L);
    assertThat(a.all(Disconnect.class)).extracting(Disconnect::code).contains(Disconnect.NEVER_CONNECTED);

    server = start(port);

    a.await(Registered.class);
    b.await(Registered.class);
    a.await(Participants.class, p -> p.nodeIds().containsAll(List.of("a", "b")));

    provokeServerClose(clientA);
    assertThat(a.await(Disconnect.class, d -> d.code() == 1009).reconnectDelay())
        .as("registered again: the backoff started over").isEqualTo(Loopback.FAST.initial());
  }

  @Test
  void jitter_takesUpToItsFractionOffTheDelay() {
    server = start(0);
    ClientRecorder a = new ClientRecorder();
    Backoff halfJitter = new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), 2, 0.5);
    SignalingClient client = loopback.connect(SignalingClient.builder(server.webSocketUri(), "a", "alice")
        .listener(a).reconnect(halfJitter).jitterSource(() -> 0.999_999));
    a.await(Registered.class);

    provokeServerClose(client);

    assertThat(a.await(Disconnect.class).reconnectDelay().toMillis()).isEqualTo(50);
  }

  @Test
  void withoutReconnection_aLostConnectionClosesTheClient() {
    server = start(0);
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), "a", a).noReconnect());
    a.await(Registered.class);

    provokeServerClose(client);

    assertThat(a.await(Disconnect.class).willReconnect()).isFalse();
    assertThat(a.await(Closed.class).state()).isEqualTo(ClientState.CLOSED);
    assertThat(client.sendHeartbeat()).isFalse();
  }

  @Test
  void aServerThatStopsAnsweringPings_isLeft_andTheClientConnectsAgain() throws Exception {
    try (ScriptedServer deaf = ScriptedServer.refusing(List.of(), false)) {
      ClientRecorder a = new ClientRecorder();
      loopback.connect(Loopback.builder(deaf.uri(), "a", a).pingInterval(Duration.ofMillis(50)));
      a.await(Registered.class);

      Disconnect silent = a.await(Disconnect.class);

      assertThat(silent.code()).isEqualTo(1006);
      assertThat(silent.reason()).startsWith("no answer to ping");
      assertThat(silent.remote()).isFalse();
      assertThat(silent.willReconnect()).isTrue();
      a.await(Registered.class);
      assertThat(deaf.registers.poll(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
      assertThat(deaf.registers.poll(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("a second register").isNotNull();
    }
  }

  @Test
  void aServerThatAnswersPings_keepsTheConnection() {
    server = start(0);
    ClientRecorder a = new ClientRecorder();
    // A ping every 500 ms, each to be answered within the next 500 ms: generous enough that a
    // loaded machine does not miss it, short enough that several pings pass during the test.
    loopback.connect(Loopback.builder(server.webSocketUri(), "a", a).pingInterval(Duration.ofMillis(500)));
    a.await(Registered.class);
    loopback.connect(Loopback.builder(server.webSocketUri(), "b", new ClientRecorder()).heartbeatInterval(Duration.ofMillis(100)));

    for (int i = 0; i < 20; i++) { // b's heartbeats come 100 ms apart: a pinged three times or more meanwhile
      a.await(ClientRecorder.HeartbeatFrom.class);
    }

    assertThat(a.all(Disconnect.class)).isEmpty();
  }
}
