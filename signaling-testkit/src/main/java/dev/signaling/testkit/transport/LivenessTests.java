package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.RecordingListener;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.EOFException;
import java.net.SocketException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * WebSocket ping/pong liveness, as every transport must keep it: each connection is pinged once
 * per interval with a payload of the server's own, only a pong that echoes it counts, and a peer
 * that stops answering is dropped (reported {@code 1006}) one to two intervals after its last
 * answered ping.
 */
public abstract class LivenessTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected LivenessTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final RecordingListener listener = new RecordingListener();
  private ServerHandle server;

  @Test
  void clientThatNeverAnswersPings_isClosedWithin2_5Intervals_andItsLeaveReachesTheOthers() throws Exception {
    server = start(wire().spec()
        .config(SignalingConfig.builder().pingInterval(INTERVAL).build()).listener(listener));
    WebSocketTestClient watcher = WebSocketTestClient.connect("watcher", server.webSocketUri()); // answers pings
    watcher.send("{\"type\":\"register\",\"nodeId\":\"w\",\"username\":\"w\"}");
    watcher.next();

    try (RawSocket mute = new RawSocket(server.port())) {
      long opened = System.nanoTime(); // no later than the server's "last pong" of this connection
      mute.upgrade("/").register("mute");
      assertThat(watcher.next()).startsWith("{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"mute\"");
      watcher.next(); // participants

      // Read pings until the server hangs up; never answer.
      int pings = 0;
      try {
        for (RawSocket.Frame frame = mute.readFrame(); ; frame = mute.readFrame()) {
          assertThat(frame.opcode()).as("only pings come, no close frame").isEqualTo(RawSocket.PING);
          pings++;
        }
      } catch (EOFException | SocketException e) {
        // The server closed TCP without a close frame: the peer is presumed dead.
      }
      long closedAfterMillis = (System.nanoTime() - opened) / 1_000_000;
      assertThat(pings).as("pings received before the close").isPositive();
      assertThat(closedAfterMillis).as("ms from upgrade to close")
          .isGreaterThanOrEqualTo(INTERVAL.toMillis()) // not before a pong was due
          .isLessThan(INTERVAL.toMillis() * 5 / 2 + 1_500); // 2.5 intervals, plus a loaded machine
    }
    assertThat(watcher.next()).isEqualTo(
        "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"mute\",\"username\":\"mute\",\"publicKey\":\"\"}");
    assertThat(watcher.next()).isEqualTo(
        "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"w\",\"username\":\"w\"}]}");
    listener.await("closed 1006 by server");
    assertThat(server.hub().metrics().closes()).containsEntry(1006, 1L);

    // The watcher answered every ping for the same 2.5 intervals and more: it is still served.
    watcher.send("{\"type\":\"probe\"}");
    assertThat(watcher.next()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
    assertThat(server.participants()).extracting(p -> p.nodeId()).containsExactly("w");
    watcher.close();
  }

  @Test
  void clientThatAnswersPings_staysConnectedPastSeveralIntervals() throws Exception {
    server = start(wire().spec()
        .config(SignalingConfig.builder().pingInterval(INTERVAL).build()).listener(listener));
    try (RawSocket polite = new RawSocket(server.port()).upgrade("/").register("polite")) {
      long start = System.nanoTime();
      int pongs = 0;
      // Four pings at one a second: the connection outlives 2.5 intervals only by answering them.
      while (pongs < 4) {
        RawSocket.Frame frame = polite.readFrame();
        assertThat(frame.opcode()).isEqualTo(RawSocket.PING);
        polite.sendFrame(true, RawSocket.PONG, frame.payload());
        pongs++;
      }
      assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThan(INTERVAL.toMillis() * 5 / 2);
      polite.sendText("{\"type\":\"probe\"}");
      RawSocket.Frame answer = polite.readFrame();
      while (answer.opcode() == RawSocket.PING) {
        polite.sendFrame(true, RawSocket.PONG, answer.payload());
        answer = polite.readFrame();
      }
      assertThat(answer.text()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
      assertThat(server.participants()).extracting(p -> p.nodeId()).containsExactly("polite");
    }
  }
}
