package dev.signaling.testkit.transport;

import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.InboundBudget;
import dev.signaling.testkit.Messages;
import dev.signaling.testkit.QueueListener;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a transport adds to the protocol: frames, limits, verbatim bytes, backpressure. */
public abstract class FrameTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected FrameTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private static final String PROBE = "{\"type\":\"nope\"}";
  private static final String UNKNOWN_TYPE = "{\"type\":\"error\",\"error\":\"unknown type\"}";
  private static final int LIMIT = 1024;

  private SocketTestServer server;

  private SocketTestServer serve(SignalingConfig config, SignalingListener listener) {
    server = socketServer(config, listener);
    return server;
  }

  private SocketTestServer serve(SignalingConfig config) {
    return serve(config, SignalingListener.NONE);
  }

  /** A probe padded with spaces (still valid JSON) to exactly {@code bytes} bytes. */
  private static String probeOfSize(int bytes) {
    return PROBE + " ".repeat(bytes - PROBE.length());
  }

  @Test
  void upgradeOnAnyPath_opensASession() throws Exception {
    serve(SignalingConfig.defaults());
    WebSocketTestClient client = wire().connect("pathy", server.webSocketUri().resolve("/room/42?token=x"));
    client.send(PROBE);
    assertThat(client.next()).isEqualTo(UNKNOWN_TYPE);
    client.close();
  }

  @Test
  void framesSentWithTheUpgradeRequest_inTheSameWrite_areAllServedInOrder() throws Exception {
    serve(SignalingConfig.defaults());
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    frames.writeBytes(RawSocket.frame(0x81, true, register("eager").getBytes(StandardCharsets.UTF_8)));
    frames.writeBytes(RawSocket.frame(0x01, true, "{\"type\":".getBytes(StandardCharsets.UTF_8)));
    frames.writeBytes(RawSocket.frame(0x80, true, "\"nope\"}".getBytes(StandardCharsets.UTF_8)));
    try (RawSocket eager = wire().raw(server.webSocketUri().getPort())
        .upgradeWithFrames("/", frames.toByteArray())) {
      assertThat(eager.readFrame().text()).isEqualTo(Messages.participants("eager"));
      assertThat(eager.readFrame().text()).isEqualTo(UNKNOWN_TYPE);
    }
  }

  @Test
  void binaryFrameHoldingJson_isProcessedLikeText() throws Exception {
    serve(SignalingConfig.defaults());
    TestClient client = server.connect();
    client.sendBinary(PROBE.getBytes(StandardCharsets.UTF_8));
    assertThat(client.next()).isEqualTo(UNKNOWN_TYPE);
  }

  @Test
  void messageAtTheLimit_isAccepted_inOneFrame_orFragmentedWithItsFragmentsOverhead() throws Exception {
    serve(SignalingConfig.builder().maxMessageBytes(LIMIT).build());
    WebSocketTestClient client = server.connect();
    client.send(probeOfSize(LIMIT));
    assertThat(client.next()).isEqualTo(UNKNOWN_TYPE);
    // Each fragment counts its payload plus a fixed overhead against the limit.
    String message = probeOfSize(LIMIT - 3 * InboundBudget.FRAGMENT_OVERHEAD_BYTES);
    client.sendFragment(message.substring(0, 10), false);
    client.sendFragment(message.substring(10, 600), false);
    client.sendFragment(message.substring(600), true);
    assertThat(client.next()).isEqualTo(UNKNOWN_TYPE);
  }

  @Test
  void messageOverTheLimit_inOneFrame_closes1009() throws Exception {
    serve(SignalingConfig.builder().maxMessageBytes(LIMIT).build());
    TestClient client = server.connect();
    client.send(probeOfSize(LIMIT + 1));
    // The reason is the original server's (its library's), which clients may show.
    assertThat(client.awaitClose()).isEqualTo(new TestClient.CloseStatus(1009, InboundBudget.TOO_BIG_REASON));
  }

  @Test
  void binaryMessageOverTheLimit_closes1009() throws Exception {
    serve(SignalingConfig.builder().maxMessageBytes(LIMIT).build());
    TestClient client = server.connect();
    client.sendBinary(probeOfSize(LIMIT + 1).getBytes(StandardCharsets.UTF_8));
    assertThat(client.awaitClose().code()).isEqualTo(1009);
  }

  @Test
  void frameHeaderOverTheLimit_closes1009_beforeAnyPayloadArrives() throws Exception {
    serve(SignalingConfig.builder().maxMessageBytes(LIMIT).build());
    try (RawSocket raw = wire().raw(server.webSocketUri().getPort()).upgrade("/")) {
      // A header announcing LIMIT + 1 bytes, and no payload at all: refused on the header alone.
      raw.write(new byte[] {(byte) 0x81, (byte) (0x80 | 126), (byte) ((LIMIT + 1) >> 8), (byte) (LIMIT + 1), 1, 2, 3, 4});
      assertThat(raw.awaitClose()).isEqualTo(1009);
    }
  }

  @Test
  void fragmentedMessageOverTheLimit_closes1009_beforeItsLastFragment() throws Exception {
    serve(SignalingConfig.builder().maxMessageBytes(LIMIT).build());
    WebSocketTestClient client = server.connect();
    // Each fragment is under the limit; only their running total is over it, at the third (with
    // each fragment's overhead: 488, 976, then 1,464). No final fragment is sent: the server must
    // not wait for the end of the message to refuse it.
    client.sendFragment("[" + " ".repeat(359), false);
    client.sendFragment(" ".repeat(360), false);
    client.sendFragment(" ".repeat(360), false);
    assertThat(client.awaitClose()).isEqualTo(new TestClient.CloseStatus(1009, InboundBudget.TOO_BIG_REASON));
  }

  @Test
  void invalidUtf8InATextFrame_closes1007() throws Exception {
    serve(SignalingConfig.defaults());
    try (RawSocket raw = wire().raw(server.webSocketUri().getPort()).upgrade("/")) {
      raw.sendFrame(true, RawSocket.TEXT, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
      assertThat(raw.readUntilClose().closeCode()).isEqualTo(1007);
    }
  }

  @Test
  void signals_reachTheTargetByteForByte_inOneTextFrame() throws Exception {
    serve(SignalingConfig.defaults());
    WebSocketTestClient a = server.connect();
    a.send(register("a"));
    a.next();
    try (RawSocket b = wire().raw(server.webSocketUri().getPort()).upgrade("/")) {
      b.sendText(register("b"));
      assertThat(b.readFrame().text()).startsWith("{\"type\":\"participants\"");
      a.next();
      a.next();
      List<String> signals = List.of(
          "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":1E+2}",
          "{ \"to\" : \"b\" ,\n\t\"payload\" :{\"n\":-0.0,\"m\":1.000,\"big\":123456789012345678901234567890,"
              + "\"e\":1e-7},\r\n\"from\":\"a\", \"type\":\"signal\"   }",
          "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":\"\\u00e9\\ud83d\\ude00\\/\\\" é😀 日本\"}",
          "{\"payload\":{\"sdp\":\"v=0\\r\\no=- 46117 2 IN IP4 127.0.0.1\\r\\n\"},\"type\":\"signal\",\"to\":\"b\",\"from\":\"a\"}",
          "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":\"" + "x".repeat(200) + "\"}",
          // Over OutboundFrame.SHARE_ABOVE: header and shared payload go as two buffers.
          "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":\"" + "y".repeat(2_000) + "\"}",
          "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":\"" + "é".repeat(40_000) + "\"}");
      for (String signal : signals) {
        a.send(signal);
        RawSocket.Frame frame = b.readFrame();
        assertThat(frame.fin()).isTrue();
        assertThat(frame.opcode()).isEqualTo(RawSocket.TEXT);
        assertThat(frame.payload()).as("bytes of %s", signal).isEqualTo(signal.getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  @Test
  void targetThatStopsReading_isClosedAsASlowConsumer() throws Exception {
    QueueListener listener = new QueueListener();
    serve(SignalingConfig.builder().maxQueuedBytes(256 * 1024).noRateLimit().build(), listener);
    WebSocketTestClient a = server.connect();
    a.send(register("a"));
    a.next();
    try (RawSocket b = wire().raw(server.webSocketUri().getPort()).upgrade("/")) {
      b.sendText(register("b"));
      b.readFrame(); // its participants; b never reads again
      assertThat(a.next()).startsWith("{\"type\":\"presence\",\"action\":\"join\"");
      assertThat(a.next()).startsWith("{\"type\":\"participants\"");
      String signal = "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":\"" + "z".repeat(60_000) + "\"}";
      // The socket buffers fill first (a few MB on loopback); then the transport must report what
      // waits, or the core could never tell that b is not reading.
      String answer = null;
      for (int i = 0; i < 2_000 && answer == null; i++) {
        a.send(signal);
        answer = a.poll();
      }
      // A signal that arrives while b leaves may find b gone first: "peer not found" may come
      // before the leave (a signal is answered at once, the leave is a state change).
      String peerNotFound = "{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"b\"}";
      while (answer == null || answer.equals(peerNotFound)) {
        answer = a.next();
      }
      assertThat(answer).isEqualTo(
          "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"b\",\"username\":\"b\",\"publicKey\":\"\"}");
      assertThat(listener.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("joined a");
      assertThat(listener.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("joined b");
      assertThat(listener.events.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("left b");
    }
  }
}
