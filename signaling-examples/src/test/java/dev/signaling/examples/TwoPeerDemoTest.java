package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TwoPeerDemoTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final CountDownLatch bothLeft = new CountDownLatch(2);
  private SignalingServer server;

  @BeforeEach
  void startServer() {
    server =
        SignalingServer.builder()
            .host("127.0.0.1")
            .port(0)
            .listener(
                new SignalingListener() {
                  @Override
                  public void nodeLeft(Participant participant) {
                    bothLeft.countDown();
                  }
                })
            .start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void bobReceivesAlicesOfferVerbatim_andAliceReceivesBobsAnswer() {
    List<String> steps = new CopyOnWriteArrayList<>();

    TwoPeerDemo.Exchange exchange = TwoPeerDemo.run(server.webSocketUri(), TIMEOUT, steps::add);

    assertThat(exchange.bobReceived())
        .as("the server forwards a signal verbatim, the same characters")
        .contains(exchange.offerSent());
    assertThat(exchange.aliceReceived()).contains(exchange.answerSent());
    assertThat(payloadType(exchange.offerSent())).isEqualTo("offer");
    assertThat(payloadType(exchange.answerSent())).isEqualTo("answer");
    assertThat(steps)
        .anyMatch(s -> s.startsWith("alice -> bob"))
        .anyMatch(s -> s.startsWith("bob received"));
  }

  @Test
  void bothPeersSeeBothParticipants() {
    TwoPeerDemo.Exchange exchange = TwoPeerDemo.run(server.webSocketUri(), TIMEOUT, step -> {});

    assertThat(exchange.aliceReceived()).anyMatch(TwoPeerDemoTest::listsAliceAndBob);
    assertThat(exchange.bobReceived()).anyMatch(TwoPeerDemoTest::listsAliceAndBob);
  }

  @Test
  void noMessageIsAnError_andEachPeerGetsOnlyItsOwnSignal() {
    TwoPeerDemo.Exchange exchange = TwoPeerDemo.run(server.webSocketUri(), TIMEOUT, step -> {});

    assertThat(types(exchange.aliceReceived())).doesNotContain("error");
    assertThat(types(exchange.bobReceived())).doesNotContain("error");
    assertThat(exchange.aliceReceived()).doesNotContain(exchange.offerSent());
    assertThat(exchange.bobReceived()).doesNotContain(exchange.answerSent());
  }

  @Test
  void theDemoClosesBothConnections() throws Exception {
    TwoPeerDemo.run(server.webSocketUri(), TIMEOUT, step -> {});

    assertThat(bothLeft.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        .as("alice and bob leave once the demo returns")
        .isTrue();
    assertThat(server.participants()).isEmpty();
  }

  @Test
  void embeddedMode_runsOnItsOwnServer_exitStatus0() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        TwoPeerDemo.run(
            new String[] {"--embedded"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).as("stderr: %s", err).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("Started an embedded server at ws://127.0.0.1:")
        .contains("bob received: ")
        .contains("alice received: ")
        .contains("Stopped the embedded server");
  }

  @Test
  void noServerAtTheUrl_exitStatus1_withAHint() throws Exception {
    int freePort;
    // Bind and release a loopback port: nothing listens there afterwards.
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      freePort = probe.getLocalPort();
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        TwoPeerDemo.run(
            new String[] {"ws://127.0.0.1:" + freePort},
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("Demo failed: ")
        .contains("--embedded");
  }

  @Test
  void badArguments_exitStatus2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(TwoPeerDemo.run(new String[] {"--nope"}, out, errStream)).isEqualTo(2);
    assertThat(TwoPeerDemo.run(new String[] {"--embedded", "ws://127.0.0.1:1"}, out, errStream))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: ").contains("Usage: ");
  }

  private static boolean listsAliceAndBob(String message) {
    JsonObject json = Peer.parse(message);
    return json != null && TwoPeerDemo.listsBoth(json);
  }

  private static String payloadType(String signal) {
    return Peer.string(Peer.parse(signal).getAsJsonObject("payload"), "type");
  }

  private static List<String> types(List<String> messages) {
    return messages.stream().map(m -> Peer.string(Peer.parse(m), "type")).toList();
  }
}
