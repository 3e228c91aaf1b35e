package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.OutboundMessage;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.Waits;
import dev.signaling.testkit.WebSocketTestClient;
import dev.signaling.testkit.transport.Wire;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@link dev.signaling.core.spi.Connection} contract as this transport implements it, driven
 * directly on the server's connection objects with real clients on the other end.
 */
class WebSocketConnectionTest {

  private final BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();
  private final BlockingQueue<String> closed = new LinkedBlockingQueue<>();
  private SignalingServer server;

  /** Records what the hub reports about connections. */
  private final SignalingListener listener = new SignalingListener() {
    @Override
    public void connectionOpened(ConnectionInfo connection) {
      opened.add(connection);
    }

    @Override
    public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
      closed.add(connection.id() + " " + code + " " + reason + (remote ? " by client" : " by server"));
    }
  };

  /** The wire these tests run over; {@link TlsWebSocketConnectionTest} runs them again over TLS. */
  Wire wire() {
    return Wire.PLAIN;
  }

  private SignalingServer start(SignalingConfig config) {
    server = ((JavaWebSocketFactory.Handle) new JavaWebSocketFactory().start(wire().spec().config(config).listener(listener)))
        .server();
    return server;
  }

  private SignalingServer start() {
    return start(SignalingConfig.builder().noRateLimit().build());
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T value = queue.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(value).as("event within %s", TestClient.TIMEOUT).isNotNull();
    return value;
  }

  /** The server side of the only open connection. */
  private SignalingSocket onlySocket() throws InterruptedException {
    next(opened);
    List<SignalingSocket> sockets = server.endpoint().openSockets();
    assertThat(sockets).hasSize(1);
    return sockets.get(0);
  }

  private WebSocketConnection onlyConnection() throws InterruptedException {
    return onlySocket().connection;
  }

  @Test
  void handshake_carriesPathQueryHeadersAndRemoteAddress() throws Exception {
    start();
    URI uri = server.webSocketUri().resolve("/room/42?token=abc&x=1");
    WebSocket client = wire().http().newWebSocketBuilder().header("X-Test", "yes")
        .buildAsync(uri, new WebSocket.Listener() {}).get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    try {
      ConnectionInfo info = next(opened);
      HandshakeRequest handshake = info.handshake();
      assertThat(handshake.path()).isEqualTo("/room/42");
      assertThat(handshake.query()).isEqualTo("token=abc&x=1");
      assertThat(handshake.header("x-test")).isEqualTo("yes");
      assertThat(handshake.header("Upgrade")).isEqualToIgnoringCase("websocket");
      assertThat(handshake.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
      assertThat(info.id()).isNotBlank();
    } finally {
      client.abort();
    }
  }

  @Test
  void closeByClient_isReportedOnce_withItsCode() throws Exception {
    start();
    WebSocketTestClient client = wire().connect("client", server.webSocketUri());
    String id = next(opened).id();
    client.close();
    assertThat(next(closed)).isEqualTo(id + " 1000  by client");
    server.close(); // stops every thread that could report it again
    assertThat(closed).as("reports after the first").isEmpty();
  }

  @Test
  void clientThatDropsTcpRightAfterTheCloseEcho_isStillReportedWithItsCode() throws Exception {
    start();
    for (int i = 0; i < 30; i++) {
      String id;
      try (RawSocket client = wire().raw(server.port()).upgrade("/")) {
        id = next(opened).id();
        client.sendFrame(true, RawSocket.CLOSE, new byte[] {0x03, (byte) 0xE8}); // 1000
        assertThat(client.readUntilClose().closeCode()).isEqualTo(1000);
      } // dropped at once, while the server may still be finishing its side of the close
      assertThat(next(closed)).as("round %d", i).isEqualTo(id + " 1000  by client");
    }
  }

  @Test
  void sendAfterClose_returnsFalse_andTheClientGetsTheCloseFrame() throws Exception {
    start();
    WebSocketTestClient client = wire().connect("client", server.webSocketUri());
    WebSocketConnection connection = onlyConnection();
    assertThat(connection.send(OutboundMessage.ofText("{\"n\":1}"))).isTrue();
    connection.close(4000, "bye");
    connection.close(4001, "ignored");
    assertThat(connection.send(OutboundMessage.ofText("{\"n\":2}"))).isFalse();
    assertThat(client.next()).isEqualTo("{\"n\":1}");
    assertThat(client.awaitClose()).isEqualTo(new TestClient.CloseStatus(4000, "bye"));
    assertThat(next(closed)).endsWith(" 4000 bye by server");
    assertThat(connection.send(OutboundMessage.ofText("{\"n\":3}"))).as("after the socket closed").isFalse();
  }

  @Test
  void abort_withNothingQueued_stillSendsTheCloseFrame() throws Exception {
    start();
    WebSocketTestClient client = wire().connect("client", server.webSocketUri());
    WebSocketConnection connection = onlyConnection();
    connection.abort(1011, "internal error");
    assertThat(client.awaitClose()).isEqualTo(new TestClient.CloseStatus(1011, "internal error"));
    assertThat(next(closed)).endsWith(" 1011 internal error by server");
  }

  @Test
  void abort_withABacklog_dropsTheConnectionAtOnce_andQueuedBytesCountsTheBacklog() throws Exception {
    start();
    try (RawSocket client = wire().raw(server.port()).upgrade("/")) {
      WebSocketConnection connection = onlyConnection();
      OutboundMessage megabyte = OutboundMessage.ofText("m".repeat(1 << 20));
      int sent = 32;
      for (int i = 0; i < sent; i++) {
        assertThat(connection.send(megabyte)).isTrue();
      }
      long frame = (1 << 20) + 10; // payload and a 10-byte header
      // The client reads nothing, so what the socket buffers (a few MB on loopback) did not take
      // waits. The 101 answer may still count: the selector reports bytes as written once its
      // write returns, and the client can read them before that.
      assertThat(connection.queuedBytes()).isPositive()
          .isLessThanOrEqualTo(sent * frame + client.upgradeAnswerBytes());
      connection.abort(1008, "slow consumer");
      assertThat(connection.send(megabyte)).isFalse();
      assertThat(next(closed)).endsWith(" 1008 slow consumer by server");
    }
  }

  @Test
  void concurrentSends_eachArriveWhole_inPerThreadOrder() throws Exception {
    start();
    WebSocketTestClient client = wire().connect("client", server.webSocketUri());
    WebSocketConnection connection = onlyConnection();
    int threads = 4;
    int perThread = 300;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String padding = "p".repeat(50 * (t + 1)); // different frame header sizes too
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < perThread; i++) {
            connection.send(OutboundMessage.ofText("{\"t\":" + thread + ",\"i\":" + i + ",\"p\":\"" + padding + "\"}"));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
      Map<Integer, Integer> nextIndex = new HashMap<>();
      for (int n = 0; n < threads * perThread; n++) {
        String message = client.next();
        int thread = Integer.parseInt(message.substring(message.indexOf("\"t\":") + 4, message.indexOf(",\"i\"")));
        int index = Integer.parseInt(message.substring(message.indexOf("\"i\":") + 4, message.indexOf(",\"p\"")));
        assertThat(index).as("order of thread %d", thread).isEqualTo(nextIndex.getOrDefault(thread, 0));
        nextIndex.put(thread, index + 1);
      }
    } finally {
      pool.shutdownNow();
      client.close();
    }
  }

  @Test
  void queuedBytes_returnsToZero_onceEverythingIsWritten() throws Exception {
    start();
    WebSocketTestClient client = wire().connect("client", server.webSocketUri());
    WebSocketConnection connection = onlyConnection();
    for (int i = 0; i < 100; i++) {
      connection.send(OutboundMessage.ofText("{\"i\":" + i + "}"));
    }
    for (int i = 0; i < 100; i++) {
      client.next();
    }
    // The selector counts the bytes down right after writing them, which may be a moment after
    // the client read them: wait for it, bounded.
    Waits.until("queued bytes back to zero", () -> connection.queuedBytes() == 0);
    client.close();
  }

  @ParameterizedTest(name = "{0} messages of {1} bytes")
  @CsvSource({"48, 262144", "6000, 2048"})
  void aBacklogThatDrainsLater_arrivesWhole_andQueuedBytesReturnsToZero(int messages, int size) throws Exception {
    // Large messages stall mid-frame; small ones (one TLS record each) stall on a buffer's last
    // record, which is when TlsChannel must hold the buffer's last byte back.
    start();
    try (RawSocket client = wire().raw(server.port()).upgrade("/")) {
      WebSocketConnection connection = onlyConnection();
      for (int i = 0; i < messages; i++) {
        assertThat(connection.send(OutboundMessage.ofText(message(i, size)))).isTrue();
      }
      // 12 MB against socket buffers of a few MB: the client has read nothing, so some must wait.
      assertThat(connection.queuedBytes()).as("bytes waiting while the client does not read").isPositive();
      for (int i = 0; i < messages; i++) {
        assertThat(client.readFrame().text()).as("message %d", i).isEqualTo(message(i, size));
      }
      Waits.until("queued bytes back to zero", () -> connection.queuedBytes() == 0);
    }
  }

  private static String message(int i, int size) {
    String prefix = i + ":";
    return prefix + String.valueOf((char) ('a' + i % 26)).repeat(size - prefix.length());
  }

  @Test
  void aFrameQueuedWithoutWriteDemand_isStillWritten() throws Exception {
    start();
    WebSocketTestClient client = wire().connect("client", server.webSocketUri());
    SignalingSocket socket = onlySocket();
    // What Java-WebSocket's lost write demand leaves behind: a frame in the queue while the
    // selector only watches for reads. Only the endpoint's periodic sweep can get it out.
    socket.outQueue.add(((OutboundFrame) OutboundFrame.of(OutboundMessage.ofText("{\"late\":true}")).get(0)).bytes());
    assertThat(client.next()).isEqualTo("{\"late\":true}");
    client.close();
  }
}
