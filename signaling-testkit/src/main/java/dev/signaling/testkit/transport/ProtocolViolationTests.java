package dev.signaling.testkit.transport;

import static dev.signaling.testkit.Messages.PROBE;
import static dev.signaling.testkit.Messages.UNKNOWN_TYPE;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.RecordingListener;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client that breaks the WebSocket protocol, sends garbage or dies in the middle of a frame:
 * its connection ends with the right close code (or a TCP close), its node leaves, and a
 * well-behaved client on the same server never notices anything but that {@code presence leave}.
 */
public abstract class ProtocolViolationTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected ProtocolViolationTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }


  private final RecordingListener listener = new RecordingListener();
  private ServerHandle server;
  private WebSocketTestClient watcher;

  @BeforeEach
  void startWithAWatcher() throws Exception {
    server = start(wire().spec()
        .config(SignalingConfig.builder().maxMessageBytes(64 * 1024).build()).listener(listener));
    watcher = WebSocketTestClient.connect("watcher", server.webSocketUri());
    watcher.send(register("w"));
    assertThat(watcher.next()).isEqualTo(participants("w"));
  }

  @AfterEach
  void stop() {
    watcher.close();
    server.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  /** A raw client registered as {@code bad}, whose join the watcher has seen. */
  private RawSocket joinedBadClient() throws Exception {
    RawSocket bad = new RawSocket(server.port()).upgrade("/").register("bad");
    assertThat(watcher.next()).isEqualTo(presence("join", "bad"));
    assertThat(watcher.next()).isEqualTo(participants("w", "bad"));
    return bad;
  }

  /** The bad client's node has left, and the server still serves the watcher and newcomers. */
  private void assertBadNodeLeft_andOthersUnaffected() throws Exception {
    assertThat(watcher.next()).isEqualTo(presence("leave", "bad"));
    assertThat(watcher.next()).isEqualTo(participants("w"));
    watcher.send(PROBE);
    assertThat(watcher.next()).isEqualTo(UNKNOWN_TYPE);
    assertThat(watcher.isClosed()).isFalse();
    try (RawSocket newcomer = new RawSocket(server.port()).upgrade("/").register("new")) {
      assertThat(watcher.next()).isEqualTo(presence("join", "new"));
      assertThat(watcher.next()).isEqualTo(participants("w", "new"));
    }
    assertThat(watcher.next()).isEqualTo(presence("leave", "new"));
    assertThat(watcher.next()).isEqualTo(participants("w"));
    assertThat(server.participants()).extracting(p -> p.nodeId()).doesNotContain("bad");
  }

  static Stream<Arguments> violations() {
    byte[] probe = utf8(PROBE);
    return Stream.of(
        arguments("an unknown opcode (0x3)", RawSocket.frame(0x83, true, probe), 1002),
        arguments("an unknown control opcode (0xB)", RawSocket.frame(0x8B, true, new byte[0]), 1002),
        arguments("an unmasked text frame", RawSocket.frame(0x81, false, probe), 1002),
        arguments("an unmasked frame after masked ones",
            concat(RawSocket.frame(0x89, true, utf8("ping")), RawSocket.frame(0x82, false, probe)), 1002),
        arguments("RSV1 set without a negotiated extension", RawSocket.frame(0xC1, true, probe), 1002),
        arguments("RSV3 set", RawSocket.frame(0x91, true, probe), 1002),
        arguments("a ping with a 126-byte payload", RawSocket.frame(0x89, true, new byte[126]), 1002),
        arguments("a fragmented ping", RawSocket.frame(0x09, true, utf8("p")), 1002),
        arguments("a continuation frame without a first fragment", RawSocket.frame(0x80, true, probe), 1002),
        arguments("a new message inside a fragmented one",
            concat(RawSocket.frame(0x01, true, utf8("{\"type\"")), RawSocket.frame(0x81, true, probe)), 1002),
        arguments("invalid UTF-8 in a text frame",
            RawSocket.frame(0x81, true, new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}), 1007),
        arguments("invalid UTF-8 across the fragments of a text message",
            concat(RawSocket.frame(0x01, true, new byte[] {'"', (byte) 0xE2, (byte) 0x82}),
                RawSocket.frame(0x80, true, new byte[] {(byte) 0x28, '"'})), 1007),
        arguments("a frame header announcing 2^62 bytes",
            new byte[] {(byte) 0x81, (byte) 0xFF, 0x40, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4}, 1009),
        arguments("garbage text instead of frames", utf8("hello, this is not a WebSocket frame\r\n"), 1002),
        arguments("0xFF bytes", filled(64, (byte) 0xFF), 1002));
  }

  private static byte[] filled(int n, byte value) {
    byte[] bytes = new byte[n];
    Arrays.fill(bytes, value);
    return bytes;
  }

  @ParameterizedTest(name = "{0}: close {2}")
  @MethodSource("violations")
  void violation_closesThatConnectionWithItsCode_itsNodeLeaves_othersUnaffected(
      String what, byte[] bytes, int code) throws Exception {
    try (RawSocket bad = joinedBadClient()) {
      bad.write(bytes);
      assertThat(bad.awaitClose()).as("close code the client receives").isEqualTo(code);
    }
    listener.await("closed " + code + " by server");
    assertBadNodeLeft_andOthersUnaffected();
  }

  @Test
  void clientKilledInTheMiddleOfAFrame_itsNodeLeaves_othersUnaffected() throws Exception {
    RawSocket bad = joinedBadClient();
    byte[] frame = RawSocket.frame(0x81, true, utf8("{\"type\":\"signal\",\"from\":\"bad\",\"to\":\"w\",\"payload\":\""
        + "x".repeat(1000) + "\"}"));
    bad.write(Arrays.copyOf(frame, frame.length / 2));
    bad.kill();
    assertThat(listener.awaitPrefix("closed 1006")).as("an abnormal close").isNotNull();
    assertBadNodeLeft_andOthersUnaffected();
  }

  @Test
  void clientThatHangsUpInTheMiddleOfAFrameHeader_itsNodeLeaves_othersUnaffected() throws Exception {
    RawSocket bad = joinedBadClient();
    bad.write(new byte[] {(byte) 0x81, (byte) 0xFE, 0x01}); // the 16-bit length is cut after one byte
    bad.close(); // an orderly FIN, mid-frame
    assertThat(listener.awaitPrefix("closed 1006")).as("an abnormal close").isNotNull();
    assertBadNodeLeft_andOthersUnaffected();
  }

  @Test
  void aSeededStreamOfRandomBytes_endsTheConnection_itsNodeLeaves_othersUnaffected() throws Exception {
    java.util.Random random = new java.util.Random(20_260_311);
    for (int round = 0; round < 5; round++) {
      RawSocket bad = joinedBadClient();
      byte[] garbage = new byte[4096];
      random.nextBytes(garbage);
      bad.write(garbage);
      // Whatever the bytes say (a bad header, or a frame still incomplete), hanging up after them
      // must end the connection; a close frame, if one came, carries a protocol error code.
      bad.socketShutdownOutput();
      Integer code = bad.awaitClose();
      assertThat(code).as("round %d", round).isIn(null, 1002, 1007, 1009);
      bad.close();
      assertBadNodeLeft_andOthersUnaffected();
    }
  }
}
