package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.ClientRecorder.HeartbeatFrom;
import dev.signaling.client.ClientRecorder.Participants;
import dev.signaling.client.ClientRecorder.Registered;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a registered {@link SignalingClient} sends and hears, against the real server over loopback. */
class SignalingClientTest {

  private final Loopback loopback = new Loopback();
  private SignalingServer server;

  @BeforeEach
  void startServer() {
    server = loopback.start(SignalingConfig.defaults());
  }

  @AfterEach
  void stopEverything() {
    loopback.close();
  }

  private SignalingClient registered(String nodeId, ClientRecorder recorder) {
    return loopback.registered(server.webSocketUri(), nodeId, recorder);
  }

  @Test
  void theRegisterCarriesTheKeys_andTheListNamesThisNode() {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.connect(
        Loopback.builder(server.webSocketUri(), "a", a).publicKey("pk-a").encryptionKey("ek-a"));

    a.await(Registered.class);
    Participants participants = a.await(Participants.class);

    assertThat(participants.participants()).containsExactly(new Participant("a", "user-a", "ek-a"));
    assertThat(client.participants()).isEqualTo(participants.participants());
    assertThat(server.participants()).containsExactly(new dev.signaling.core.Participant("a", "user-a", "pk-a", "ek-a"));
  }

  @Test
  void aSecondNode_isAnnouncedByPresenceJoin_withItsPublicKey_andBothSeeBoth() {
    ClientRecorder a = new ClientRecorder();
    ClientRecorder b = new ClientRecorder();
    registered("a", a);
    loopback.connect(Loopback.builder(server.webSocketUri(), "b", b).publicKey("pk-b"));

    assertThat(a.await(Presence.class))
        .isEqualTo(new Presence(Presence.Action.JOIN, new Participant("b", "user-b", null), "pk-b"));
    assertThat(a.await(Participants.class, p -> p.participants().size() == 2).nodeIds()).containsExactly("a", "b");
    assertThat(b.await(Participants.class).nodeIds()).containsExactly("a", "b");
    assertThat(b.all(Presence.class)).as("no presence for one's own join").isEmpty();
  }

  @Test
  void aNodeThatCloses_isAnnouncedByPresenceLeave() {
    ClientRecorder a = new ClientRecorder();
    registered("a", a);
    SignalingClient b = registered("b", new ClientRecorder());

    b.close();

    assertThat(a.await(Presence.class, p -> p.action() == Presence.Action.LEAVE).participant().nodeId()).isEqualTo("b");
    a.await(Participants.class, p -> p.nodeIds().equals(List.of("a")));
  }

  @Test
  void signal_arrivesWithItsPayloadCharacterForCharacter_andTheWholeMessage() {
    ClientRecorder b = new ClientRecorder();
    SignalingClient a = registered("a", new ClientRecorder());
    registered("b", b);
    String payload = "{ \"sdp\" : \"v=0\\r\\n{}\\\"\" ,\"n\":1.50, \"e\":1E+2, \"list\":[1, {\"x\":[]}] }";

    assertThat(a.sendSignal("b", payload)).isTrue();

    Signal signal = b.await(Signal.class);
    assertThat(signal.from()).isEqualTo("a");
    assertThat(signal.to()).isEqualTo("b");
    assertThat(signal.payloadJson()).isEqualTo(payload);
    assertThat(signal.message()).isEqualTo("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":" + payload + "}");
    assertThat(signal.payloadAsString()).isEmpty();
  }

  @Test
  void stringSignal_isReadBackAsTheSameString() {
    ClientRecorder b = new ClientRecorder();
    SignalingClient a = registered("a", new ClientRecorder());
    registered("b", b);
    String text = "candidate:1 1 udp 2 127.0.0.1 5000 typ host \"quoted\" é😀\n";

    assertThat(a.sendSignalString("b", text)).isTrue();

    assertThat(b.await(Signal.class).payloadAsString()).contains(text);
  }

  @Test
  void manySignals_arriveInOrder_throughTheSendQueue() {
    ClientRecorder b = new ClientRecorder();
    SignalingClient a = registered("a", new ClientRecorder());
    registered("b", b);
    String filler = "y".repeat(2_000);

    for (int i = 0; i < 100; i++) {
      assertThat(a.sendSignal("b", "[" + i + ",\"" + filler + "\"]")).isTrue();
    }

    for (int i = 0; i < 100; i++) {
      assertThat(b.await(Signal.class).payloadJson()).startsWith("[" + i + ",");
    }
  }

  @Test
  void signalWithAPayloadThatIsNotOneJsonValue_isRefusedBeforeSending() {
    SignalingClient a = registered("a", new ClientRecorder());

    assertThatThrownBy(() -> a.sendSignal("b", "{\"open\":")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.sendSignal("b", "1 2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.sendSignal("b", "unquoted")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.sendSignal("", "1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signalToAnUnknownNode_isAnsweredByAnErrorNamingIt_andTheClientStaysRegistered() {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = registered("a", a);

    assertThat(client.sendSignal("nobody", "1")).isTrue();

    assertThat(a.await(ServerError.class)).isEqualTo(new ServerError("peer not found", "nobody"));
    assertThat(client.isRegistered()).isTrue();
    assertThat(a.all(RegisterRefusal.class)).isEmpty();
  }

  @Test
  void heartbeat_reachesTheOthers_withItsSender() {
    ClientRecorder b = new ClientRecorder();
    ClientRecorder a = new ClientRecorder();
    SignalingClient clientA = registered("a", a);
    registered("b", b);

    assertThat(clientA.sendHeartbeat()).isTrue();

    assertThat(b.await(HeartbeatFrom.class)).isEqualTo(new HeartbeatFrom("a"));
    assertThat(a.all(HeartbeatFrom.class)).as("not echoed to the sender").isEmpty();
  }

  @Test
  void roleAssign_reachesEveryone_withItsSender() {
    ClientRecorder a = new ClientRecorder();
    ClientRecorder b = new ClientRecorder();
    SignalingClient clientA = registered("a", a);
    registered("b", b);

    assertThat(clientA.sendRoleAssign("b", List.of("relay", "client"))).isTrue();

    RoleAssignment expected = new RoleAssignment("b", List.of("relay", "client"), "a");
    assertThat(a.await(RoleAssignment.class)).isEqualTo(expected);
    assertThat(b.await(RoleAssignment.class)).isEqualTo(expected);
  }

  @Test
  void automaticHeartbeat_isSentAtTheInterval() {
    ClientRecorder b = new ClientRecorder();
    registered("b", b);
    loopback.connect(Loopback.builder(server.webSocketUri(), "a", new ClientRecorder()).heartbeatInterval(Duration.ofMillis(20)));

    for (int i = 0; i < 3; i++) {
      assertThat(b.await(HeartbeatFrom.class)).isEqualTo(new HeartbeatFrom("a"));
    }
  }

  @Test
  void everyCallback_runsOnTheClientsOwnThread_fromTheInjectedFactory() {
    AtomicInteger made = new AtomicInteger();
    ClientRecorder a = new ClientRecorder();
    loopback.connect(Loopback.builder(server.webSocketUri(), "a", a).threadFactory(r -> {
      Thread thread = new Thread(r, "injected-" + made.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }));
    registered("b", new ClientRecorder());
    a.await(Participants.class, p -> p.participants().size() == 2);

    assertThat(a.callbackThreads).containsExactly("injected-1");
    assertThat(made).hasValue(1);
  }

  @Test
  void aThrowingCallback_isIgnored_andLaterCallbacksStillCome() {
    ClientRecorder recorder = new ClientRecorder();
    SignalingClient.Listener throwing = new SignalingClient.Listener() {
      @Override
      public void onParticipants(SignalingClient client, List<Participant> participants) {
        recorder.onParticipants(client, participants);
        throw new IllegalStateException("listener bug");
      }

      @Override
      public void onPresence(SignalingClient client, Presence presence) {
        recorder.onPresence(client, presence);
      }
    };
    loopback.connect(SignalingClient.builder(server.webSocketUri(), "a", "alice").listener(throwing));
    recorder.await(Participants.class);
    registered("b", new ClientRecorder());

    assertThat(recorder.await(Presence.class).participant().nodeId()).isEqualTo("b");
  }

  @Test
  void aMessageOverTheClientsLimit_endsTheConnection_1009_andTheClientComesBack() {
    ClientRecorder small = new ClientRecorder();
    loopback.connect(Loopback.builder(server.webSocketUri(), "small", small).maxMessageChars(500));
    small.await(Registered.class);
    SignalingClient sender = registered("sender", new ClientRecorder());

    assertThat(sender.sendSignalString("small", "z".repeat(600))).isTrue();

    Disconnect tooBig = small.await(Disconnect.class);
    assertThat(tooBig.code()).isEqualTo(1009);
    assertThat(tooBig.remote()).isFalse();
    assertThat(tooBig.willReconnect()).isTrue();
    small.await(Registered.class);
    assertThat(small.all(Signal.class)).isEmpty();
  }

  @Test
  void sendBeforeTheConnectionOpens_returnsFalse() throws Exception {
    // A listening socket that never answers the upgrade: the client stays CONNECTING.
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SignalingClient client = loopback.connect(SignalingClient.builder(
          URI.create("ws://127.0.0.1:" + silent.getLocalPort()), "a", "alice"));
      assertThat(client.state()).isEqualTo(ClientState.CONNECTING);
      assertThat(client.sendHeartbeat()).isFalse();
      assertThat(client.sendSignal("b", "1")).isFalse();
      assertThat(client.sendRoleAssign("a", List.of("x"))).isFalse();
      client.close();
      assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    }
  }

  @Test
  void builder_refusesWhatCannotWork() {
    URI ws = URI.create("ws://127.0.0.1:1");
    assertThatThrownBy(() -> SignalingClient.builder(URI.create("http://127.0.0.1:1"), "a", "b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ws://");
    assertThatThrownBy(() -> SignalingClient.builder(URI.create("ws:/nohost"), "a", "b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "", "b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", "b").heartbeatInterval(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", "b").connectTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", "b").header("Host", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", "b").header("Sec-WebSocket-Protocol", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", "b").header("X-Token", "line\nbreak"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", "b").maxMessageChars(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SignalingClient.builder(ws, "a", "b")
        .sslContext(javax.net.ssl.SSLContext.getDefault()).httpClient(java.net.http.HttpClient.newHttpClient()).connect())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void anUpperCaseScheme_works_andQueryParametersAreAdded() {
    ClientRecorder a = new ClientRecorder();
    URI upper = URI.create("WS://127.0.0.1:" + server.port() + "/room?x=1");
    SignalingClient client = loopback.connect(SignalingClient.builder(upper, "a", "alice")
        .queryParameter("token", "a b&c").listener(a));

    assertThat(client.uri()).isEqualTo(URI.create("ws://127.0.0.1:" + server.port() + "/room?x=1&token=a+b%26c"));
    assertThat(a.await(Participants.class).nodeIds()).containsExactly("a");
  }
}
