package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientDemoTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final CountDownLatch bothLeft = new CountDownLatch(2);
  private SignalingServer server;

  @BeforeEach
  void startServer() {
    server = SignalingServer.builder()
        .host("127.0.0.1")
        .port(0)
        .listener(new SignalingListener() {
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
  void bobAnswersAlicesOffer_fromItsCallback_andLearnsItsRole() throws Exception {
    List<String> steps = new CopyOnWriteArrayList<>();

    ClientDemo.Outcome outcome = ClientDemo.run(server.webSocketUri(), TIMEOUT, steps::add);

    assertThat(outcome.offerReceived().from()).isEqualTo("alice");
    assertThat(outcome.offerReceived().payloadJson()).isEqualTo("{\"type\":\"offer\",\"sdp\":\"v=0 (alice's offer)\"}");
    assertThat(outcome.answerReceived().from()).isEqualTo("bob");
    assertThat(outcome.answerReceived().payloadJson()).contains("\"type\":\"answer\"");
    assertThat(outcome.roleAssignment().nodeId()).isEqualTo("bob");
    assertThat(outcome.roleAssignment().roles()).containsExactly("relay");
    assertThat(outcome.roleAssignment().from()).isEqualTo("alice");
    assertThat(steps).contains("alice sent her offer to bob");
    assertThat(bothLeft.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("both clients closed").isTrue();
  }

  @Test
  void embeddedMode_exitStatus0() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = ClientDemo.run(new String[] {"--embedded"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(status).as("stderr: %s", err).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("bob got a signal from alice")
        .contains("alice got a signal from bob")
        .endsWith("Done" + System.lineSeparator());
  }

  @Test
  void badArguments_exitStatus2() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    assertThat(ClientDemo.run(new String[] {"--nope"}, out, errStream)).isEqualTo(2);
    assertThat(ClientDemo.run(new String[] {"--embedded", "ws://127.0.0.1:1"}, out, errStream)).isEqualTo(2);
    assertThat(ClientDemo.run(new String[] {"--help"}, out, errStream)).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("error: ").contains("Usage: ");
  }
}
