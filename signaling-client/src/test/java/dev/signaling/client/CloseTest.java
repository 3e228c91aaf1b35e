package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.ClientRecorder.Closed;
import dev.signaling.client.ClientRecorder.Participants;
import dev.signaling.client.ClientRecorder.Registered;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SignalingClient#close()}: what it sends, what it reports, and the threads it ends. */
class CloseTest {

  private final BlockingQueue<String> serverEvents = new LinkedBlockingQueue<>();
  private final Loopback loopback = new Loopback();
  private SignalingServer server;

  @BeforeEach
  void startServer() {
    server = loopback.start(SignalingServer.builder().port(0).listener(new SignalingListener() {
      @Override
      public void nodeJoined(Participant participant) {
        serverEvents.add("joined " + participant.nodeId());
      }

      @Override
      public void nodeLeft(Participant participant) {
        serverEvents.add("left " + participant.nodeId());
      }
    }));
  }

  @AfterEach
  void stopEverything() {
    loopback.close();
  }

  private String nextServerEvent() throws InterruptedException {
    return serverEvents.poll(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Threads that this client (and its HTTP client) may have started. */
  private static Set<Thread> clientThreads() {
    Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
    threads.removeIf(t -> !t.getName().startsWith("signaling-client-") && !t.getName().startsWith("HttpClient-"));
    return threads;
  }

  /**
   * Waits for each thread to end. JDK 17's HTTP client has no close: its selector thread ends
   * once the client is unreachable, so the wait asks for a collection between joins.
   */
  private static void assertEnded(Set<Thread> threads) throws InterruptedException {
    long deadline = System.nanoTime() + Loopback.TIMEOUT.toNanos();
    for (Thread thread : threads) {
      while (thread.isAlive() && System.nanoTime() < deadline) {
        System.gc();
        thread.join(100);
      }
      assertThat(thread.isAlive()).as("thread %s still alive", thread.getName()).isFalse();
    }
  }

  @Test
  void close_isIdempotent_leavesTheServer_andEndsWithOneOnClosed() throws Exception {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.registered(server.webSocketUri(), "a", a);
    assertThat(nextServerEvent()).isEqualTo("joined a");

    client.close();
    client.close();

    assertThat(nextServerEvent()).isEqualTo("left a");
    List<Object> events = a.events();
    assertThat(events.get(events.size() - 1)).isEqualTo(new Closed(ClientState.CLOSED));
    assertThat(a.all(Closed.class)).hasSize(1);
    Disconnect disconnect = a.await(Disconnect.class);
    assertThat(disconnect.code()).isEqualTo(1000);
    assertThat(disconnect.remote()).isFalse();
    assertThat(disconnect.willReconnect()).isFalse();
    assertThat(client.sendSignal("a", "1")).isFalse();
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    assertThat(client.awaitRegistered(Duration.ofSeconds(1))).isFalse();
  }

  @Test
  void close_writesWhatWasQueuedFirst() {
    ClientRecorder b = new ClientRecorder();
    SignalingClient a = loopback.registered(server.webSocketUri(), "a", new ClientRecorder());
    loopback.registered(server.webSocketUri(), "b", b);

    for (int i = 0; i < 50; i++) {
      assertThat(a.sendSignal("b", "[" + i + ",\"" + "q".repeat(4_000) + "\"]")).isTrue();
    }
    a.close();

    for (int i = 0; i < 50; i++) {
      assertThat(b.await(Signal.class).payloadJson()).startsWith("[" + i + ",");
    }
  }

  @Test
  void close_endsEveryThreadOfTheClient_whileTheServerRuns() throws Exception {
    Set<Thread> before = clientThreads();
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = Loopback.builder(server.webSocketUri(), "a", a).heartbeatInterval(Duration.ofMillis(10)).connect();
    a.await(Registered.class);
    Set<Thread> started = clientThreads();
    started.removeAll(before);
    assertThat(started).extracting(Thread::getName)
        .anyMatch(n -> n.matches("signaling-client-\\d+-a"))
        .anyMatch(n -> n.matches("signaling-client-\\d+-a-io-\\d+"))
        .anyMatch(n -> n.matches("HttpClient-\\d+-SelectorManager"));

    client.close();
    client = null; // the HTTP client's selector thread waits for the client to be collected

    assertEnded(started);
  }

  @Test
  void close_whileReconnecting_stopsTheAttempts() throws Exception {
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.registered(server.webSocketUri(), "a", a);
    server.close();
    a.await(Disconnect.class, d -> d.code() == Disconnect.NEVER_CONNECTED);

    client.close();

    a.await(Closed.class);
    int disconnects = a.all(Disconnect.class).size();
    assertThat(client.state()).isEqualTo(ClientState.CLOSED);
    assertThat(client.awaitRegistered(Duration.ofMillis(200))).isFalse();
    assertThat(a.all(Disconnect.class)).as("no attempt after close()").hasSize(disconnects);
  }

  @Test
  void close_whileTheHandshakeHangs_returnsPromptly() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ClientRecorder a = new ClientRecorder();
      SignalingClient client = loopback.connect(SignalingClient.builder(
          URI.create("ws://127.0.0.1:" + silent.getLocalPort()), "a", "alice").listener(a));
      try (Socket accepted = silent.accept()) {
        long start = System.nanoTime();
        client.close();
        assertThat((System.nanoTime() - start) / 1_000_000).as("close() in ms").isLessThan(5_000);
        a.await(Closed.class);
        // Not checked: that the socket is dropped. JDK 17's HttpClient drops it when close()
        // cancels the upgrade, except in a few percent of tries (3 of 80 here: the cancel meets the
        // request early), where it stays open, even past the connect timeout and a collection of
        // the closed client, until the server ends it (docs/client.md).
      }
    }
  }

  @Test
  void close_fromInsideACallback_works() {
    ClientRecorder recorder = new ClientRecorder();
    CountDownLatch closedInCallback = new CountDownLatch(1);
    SignalingClient.Listener closing = new SignalingClient.Listener() {
      @Override
      public void onParticipants(SignalingClient client, List<dev.signaling.client.Participant> participants) {
        client.close();
        closedInCallback.countDown();
      }

      @Override
      public void onClosed(SignalingClient client) {
        recorder.onClosed(client);
      }
    };
    loopback.connect(SignalingClient.builder(server.webSocketUri(), "a", "alice").listener(closing));

    recorder.await(Closed.class);
    assertThat(closedInCallback.getCount()).isZero();
    assertThat(recorder.all(Participants.class)).isEmpty();
  }
}
