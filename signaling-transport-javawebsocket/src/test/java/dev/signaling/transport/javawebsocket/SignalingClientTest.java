package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.Participant;
import dev.signaling.testkit.QueueListener;
import dev.signaling.testkit.TestClient;
import dev.signaling.transport.javawebsocket.ClientRecorder.Closed;
import dev.signaling.transport.javawebsocket.ClientRecorder.Connected;
import dev.signaling.transport.javawebsocket.ClientRecorder.Heartbeat;
import dev.signaling.transport.javawebsocket.ClientRecorder.Participants;
import dev.signaling.transport.javawebsocket.SignalingClient.Backoff;
import dev.signaling.transport.javawebsocket.SignalingClient.Disconnect;
import dev.signaling.transport.javawebsocket.SignalingClient.Presence;
import dev.signaling.transport.javawebsocket.SignalingClient.RoleAssignment;
import dev.signaling.transport.javawebsocket.SignalingClient.ServerError;
import dev.signaling.transport.javawebsocket.SignalingClient.Signal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.framing.CloseFrame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SignalingClient} against the real server over loopback sockets. */
class SignalingClientTest {

  /** Small delays keep reconnection tests fast; a fixed jitter source makes them exact. */
  private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(80), 2, 0.5);

  private final QueueListener serverEvents = new QueueListener();
  private final List<SignalingClient> clients = new CopyOnWriteArrayList<>();
  private SignalingServer server;

  @BeforeEach
  void startServer() {
    server = startServer(0);
  }

  @AfterEach
  void stopEverything() {
    clients.forEach(SignalingClient::close);
    server.close();
  }

  private SignalingServer startServer(int port) {
    return SignalingServer.builder().host("127.0.0.1").port(port).listener(serverEvents).start();
  }

  private SignalingClient.Builder builder(String nodeId, ClientRecorder recorder) {
    return SignalingClient.builder(server.webSocketUri(), nodeId, "user-" + nodeId)
        .listener(recorder)
        .reconnect(FAST)
        .jitterSource(() -> 0.0);
  }

  private SignalingClient connect(SignalingClient.Builder builder) {
    SignalingClient client = builder.connect();
    clients.add(client);
    return client;
  }

  /** Connects {@code nodeId} and waits until the server lists it. */
  private SignalingClient registered(String nodeId, ClientRecorder recorder) {
    SignalingClient client = connect(builder(nodeId, recorder));
    recorder.await(Participants.class, p -> p.nodeIds().contains(nodeId));
    return client;
  }

  private static Set<Thread> threads() {
    return new HashSet<>(Thread.getAllStackTraces().keySet());
  }

  private static void assertEnded(Set<Thread> threads) throws InterruptedException {
    for (Thread thread : threads) {
      thread.join(TestClient.TIMEOUT.toMillis());
      assertThat(thread.isAlive()).as("thread %s still alive", thread.getName()).isFalse();
    }
  }

  private static boolean isClientThread(Thread thread) {
    String name = thread.getName();
    return name.startsWith("signaling-client-") || name.startsWith("WebSocketConnectReadThread")
        || name.startsWith("WebSocketWriteThread");
  }

  // ------------------------------------------------------------------ registration and callbacks

  @Test
  void connect_registers_andTheClientSeesItselfInParticipants() {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = connect(builder("a", a).publicKey("pk-a").encryptionKey("ek-a"));

    a.await(Connected.class);
    Participants participants = a.await(Participants.class);

    assertThat(participants.participants()).containsExactly(new Participant("a", "user-a", "", "ek-a"));
    assertThat(client.participants()).isEqualTo(participants.participants());
    assertThat(client.isConnected()).isTrue();
    assertThat(server.participants()).containsExactly(new Participant("a", "user-a", "pk-a", "ek-a"));
  }

  @Test
  void aSecondNode_isAnnouncedByPresenceJoin_andBothSeeBothParticipants() {
    ClientRecorder a = new ClientRecorder();
    ClientRecorder b = new ClientRecorder();
    registered("a", a);
    connect(builder("b", b).publicKey("pk-b"));

    Presence join = a.await(Presence.class);
    assertThat(join).isEqualTo(new Presence(Presence.Action.JOIN, new Participant("b", "user-b", "pk-b", null)));
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

    Presence leave = a.await(Presence.class, p -> p.action() == Presence.Action.LEAVE);
    assertThat(leave.participant().nodeId()).isEqualTo("b");
    assertThat(a.await(Participants.class, p -> p.nodeIds().equals(List.of("a")))).isNotNull();
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
    assertThat(signal.message())
        .isEqualTo("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":" + payload + "}");
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
  void signalWithAPayloadThatIsNotOneJsonValue_isRefusedBeforeSending() {
    SignalingClient a = registered("a", new ClientRecorder());

    assertThatThrownBy(() -> a.sendSignal("b", "{\"open\":")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.sendSignal("b", "1 2")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.sendSignal("b", "unquoted")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.sendSignal("", "1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signalToAnUnknownNode_isAnsweredByAnErrorNamingIt() {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = registered("a", a);

    assertThat(client.sendSignal("nobody", "1")).isTrue();

    assertThat(a.await(ServerError.class)).isEqualTo(new ServerError("peer not found", "nobody"));
    assertThat(client.isConnected()).as("an error leaves the connection open").isTrue();
  }

  @Test
  void heartbeat_reachesTheOthers_withItsSender() {
    ClientRecorder b = new ClientRecorder();
    ClientRecorder a = new ClientRecorder();
    SignalingClient clientA = registered("a", a);
    registered("b", b);

    assertThat(clientA.sendHeartbeat()).isTrue();

    assertThat(b.await(Heartbeat.class)).isEqualTo(new Heartbeat("a"));
    assertThat(a.all(Heartbeat.class)).as("not echoed to the sender").isEmpty();
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
    connect(builder("a", new ClientRecorder()).heartbeatInterval(Duration.ofMillis(20)));

    for (int i = 0; i < 3; i++) {
      assertThat(b.await(Heartbeat.class)).isEqualTo(new Heartbeat("a"));
    }
  }

  @Test
  void everyCallback_runsOnTheClientsOwnThread_fromTheInjectedFactory() {
    AtomicInteger made = new AtomicInteger();
    ClientRecorder a = new ClientRecorder();
    connect(builder("a", a).threadFactory(r -> {
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
    connect(SignalingClient.builder(server.webSocketUri(), "a", "alice").listener(throwing));
    recorder.await(Participants.class);
    registered("b", new ClientRecorder());

    assertThat(recorder.await(Presence.class).participant().nodeId()).isEqualTo("b");
  }

  // ------------------------------------------------------------------ sending without a connection

  @Test
  void sendBeforeTheConnectionOpens_returnsFalse() throws Exception {
    // A listening socket that never answers the upgrade: the client stays "connecting".
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      SignalingClient client = connect(SignalingClient.builder(
          URI.create("ws://127.0.0.1:" + silent.getLocalPort()), "a", "alice"));
      assertThat(client.isConnected()).isFalse();
      assertThat(client.sendHeartbeat()).isFalse();
      assertThat(client.sendSignal("b", "1")).isFalse();
      assertThat(client.sendRoleAssign("a", List.of("x"))).isFalse();
      client.close();
    }
  }

  // ------------------------------------------------------------------ reconnection

  @Test
  void whenTheServerDropsTheConnection_theClientReconnects_andRegistersAgain() throws Exception {
    ClientRecorder a = new ClientRecorder();
    registered("a", a);
    assertThat(serverEvents.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("joined a");

    List<SignalingSocket> sockets = server.endpoint().openSockets();
    assertThat(sockets).hasSize(1);
    sockets.get(0).close(CloseFrame.TRY_AGAIN_LATER, "go away for now");

    Disconnect disconnect = a.await(Disconnect.class);
    assertThat(disconnect.code()).isEqualTo(CloseFrame.TRY_AGAIN_LATER);
    assertThat(disconnect.reason()).isEqualTo("go away for now");
    assertThat(disconnect.remote()).isTrue();
    assertThat(disconnect.reconnectDelay()).isEqualTo(FAST.initial());
    assertThat(serverEvents.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("left a");

    a.await(Connected.class);
    assertThat(a.await(Participants.class, p -> p.nodeIds().contains("a")).nodeIds()).containsExactly("a");
    assertThat(serverEvents.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("joined a");
    assertThat(server.participants()).extracting(Participant::nodeId).containsExactly("a");
  }

  @Test
  void whenTheServerRestartsOnTheSamePort_theClientBacksOffExponentially_thenRegistersAgain() {
    ClientRecorder a = new ClientRecorder();
    ClientRecorder b = new ClientRecorder();
    registered("a", a);
    registered("b", b);
    a.await(Participants.class, p -> p.participants().size() == 2);
    int port = server.port();

    server.close();
    // 1001, then refused attempts: 10, 20, 40, 80 (the cap), 80, ... ms with jitter at 0.
    List<Duration> delays = new ArrayList<>();
    Disconnect first = a.await(Disconnect.class);
    assertThat(first.code()).isEqualTo(CloseFrame.GOING_AWAY);
    delays.add(first.reconnectDelay());
    for (int i = 0; i < 5; i++) {
      // Usually refused (-1); an attempt that reaches the old server while it still stops gets
      // its 503 instead. Either way it is a failed attempt.
      Disconnect failed = a.await(Disconnect.class);
      assertThat(failed.willReconnect()).isTrue();
      delays.add(failed.reconnectDelay());
    }
    assertThat(delays).extracting(Duration::toMillis).containsExactly(10L, 20L, 40L, 80L, 80L, 80L);

    server = startServer(port);

    a.await(Connected.class);
    b.await(Connected.class);
    assertThat(a.await(Participants.class, p -> p.nodeIds().containsAll(List.of("a", "b"))).nodeIds())
        .containsExactlyInAnyOrder("a", "b");
    b.await(Participants.class, p -> p.nodeIds().containsAll(List.of("a", "b")));

    // Registered again: the next loss starts from the initial delay.
    server.endpoint().openSockets().forEach(s -> s.close(CloseFrame.TRY_AGAIN_LATER, "again"));
    assertThat(a.await(Disconnect.class, d -> d.code() == CloseFrame.TRY_AGAIN_LATER).reconnectDelay())
        .isEqualTo(FAST.initial());
  }

  @Test
  void jitter_takesUpToItsFractionOffTheDelay() {
    ClientRecorder a = new ClientRecorder();
    Backoff halfJitter = new Backoff(Duration.ofMillis(100), Duration.ofMillis(100), 2, 0.5);
    connect(SignalingClient.builder(server.webSocketUri(), "a", "alice")
        .listener(a).reconnect(halfJitter).jitterSource(() -> 0.999_999));
    a.await(Participants.class);

    server.endpoint().openSockets().forEach(s -> s.close(CloseFrame.TRY_AGAIN_LATER, "jitter"));

    assertThat(a.await(Disconnect.class).reconnectDelay().toMillis()).isEqualTo(50);
  }

  @Test
  void replacedByANewerRegistration_theClientDoesNotFightBack_andCloses() {
    ClientRecorder first = new ClientRecorder();
    registered("a", first);
    ClientRecorder second = new ClientRecorder();
    registered("a", second);

    Disconnect replaced = first.await(Disconnect.class);
    assertThat(replaced.code()).isEqualTo(4001);
    assertThat(replaced.willReconnect()).isFalse();
    first.await(Closed.class);
    assertThat(first.all(ServerError.class)).containsExactly(new ServerError("replaced by a newer registration", null));
    assertThat(second.all(Disconnect.class)).isEmpty();
    assertThat(server.participants()).extracting(Participant::nodeId).containsExactly("a");
  }

  @Test
  void withoutReconnection_aLostConnectionClosesTheClient() {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = connect(builder("a", a).noReconnect());
    a.await(Participants.class);

    server.endpoint().openSockets().forEach(s -> s.close(CloseFrame.TRY_AGAIN_LATER, "bye"));

    assertThat(a.await(Disconnect.class).willReconnect()).isFalse();
    a.await(Closed.class);
    assertThat(client.isConnected()).isFalse();
    assertThat(client.sendHeartbeat()).isFalse();
  }

  // ------------------------------------------------------------------ close

  @Test
  void close_isIdempotent_leavesTheServer_andEndsWithOneOnClosed() throws Exception {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = registered("a", a);
    serverEvents.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

    client.close();
    client.close();

    assertThat(serverEvents.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("left a");
    List<Object> events = a.events();
    assertThat(events.get(events.size() - 1)).isEqualTo(new Closed());
    assertThat(a.all(Closed.class)).hasSize(1);
    Disconnect disconnect = a.await(Disconnect.class);
    assertThat(disconnect.code()).isEqualTo(CloseFrame.NORMAL);
    assertThat(disconnect.remote()).isFalse();
    assertThat(disconnect.willReconnect()).isFalse();
    assertThat(client.sendSignal("a", "1")).isFalse();
    assertThat(client.isConnected()).isFalse();
  }

  @Test
  void close_stopsEveryThreadOfTheClient_whileTheServerRuns() throws Exception {
    Set<Thread> before = threads();
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = connect(builder("a", a).heartbeatInterval(Duration.ofMillis(10)));
    a.await(Participants.class);
    Set<Thread> started = threads();
    started.removeAll(before);
    started.removeIf(t -> !isClientThread(t));
    assertThat(started).extracting(Thread::getName)
        .anyMatch(n -> n.startsWith("signaling-client-"))
        .anyMatch(n -> n.startsWith("WebSocketConnectReadThread"));

    client.close();

    assertEnded(started);
    Set<Thread> after = threads();
    after.removeAll(before);
    assertThat(after).filteredOn(SignalingClientTest::isClientThread).isEmpty();
  }

  @Test
  void close_whileReconnecting_stopsTheAttempts() throws Exception {
    Set<Thread> before = threads();
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = registered("a", a);
    server.close();
    a.await(Disconnect.class, d -> d.code() == CloseFrame.NEVER_CONNECTED);

    client.close();

    a.await(Closed.class);
    int disconnects = a.all(Disconnect.class).size();
    Set<Thread> started = threads();
    started.removeAll(before);
    assertEnded(started);
    assertThat(a.all(Disconnect.class)).as("no attempt after close()").hasSize(disconnects);
  }

  @Test
  void close_whileTheHandshakeHangs_returnsPromptly() throws Exception {
    Set<Thread> before = threads();
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ClientRecorder a = new ClientRecorder();
      SignalingClient client = connect(SignalingClient.builder(
          URI.create("ws://127.0.0.1:" + silent.getLocalPort()), "a", "alice").listener(a));
      try (Socket accepted = silent.accept()) {
        long start = System.nanoTime();
        client.close();
        assertThat((System.nanoTime() - start) / 1_000_000).as("close() in ms").isLessThan(5_000);
        a.await(Closed.class);
      }
    }
    Set<Thread> started = threads();
    started.removeAll(before);
    started.removeIf(t -> !isClientThread(t));
    assertEnded(started);
  }

  @Test
  void close_fromInsideACallback_works() {
    ClientRecorder recorder = new ClientRecorder();
    CountDownLatch closedInCallback = new CountDownLatch(1);
    SignalingClient.Listener closing = new SignalingClient.Listener() {
      @Override
      public void onParticipants(SignalingClient client, List<Participant> participants) {
        client.close();
        closedInCallback.countDown();
      }

      @Override
      public void onClosed(SignalingClient client) {
        recorder.onClosed(client);
      }
    };
    connect(SignalingClient.builder(server.webSocketUri(), "a", "alice").listener(closing));

    recorder.await(Closed.class);
    assertThat(closedInCallback.getCount()).isZero();
  }

  // ------------------------------------------------------------------ configuration

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
  }

  @Test
  void anUpperCaseScheme_works() {
    ClientRecorder a = new ClientRecorder();
    URI upper = URI.create("WS://127.0.0.1:" + server.port() + "/room");
    SignalingClient client = connect(SignalingClient.builder(upper, "a", "alice").listener(a));

    assertThat(client.uri()).isEqualTo(URI.create("ws://127.0.0.1:" + server.port() + "/room"));
    assertThat(a.await(Participants.class).nodeIds()).containsExactly("a");
  }
}
