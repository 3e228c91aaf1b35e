package dev.signaling.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What waits for a connection: snapshot replacement, a zero membership interval, and the
 * slow-consumer limit (pacing itself: {@link MembershipPacingTest}, on stepped time).
 */
class OutboxTest {

  /** What the core lets a transport hold before messages wait in its own outbox (SEND_WINDOW). */
  private static final int SEND_WINDOW = 64 * 1024;

  private InMemoryTransport server;

  @AfterEach
  void close() {
    server.close();
  }

  private static String register(String id) {
    return "{\"type\":\"register\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id + "\"}";
  }

  private static String bigSignal(String from, String to, int payloadChars) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":\""
        + "x".repeat(payloadChars) + "\"}";
  }

  private InMemoryTransport.Client join(String id) {
    InMemoryTransport.Client c = server.connect();
    c.send(register(id));
    return c;
  }

  @Test
  void unsentParticipantsSnapshotsAreReplacedByTheNewest_eventsAreKept() {
    server = InMemoryTransport.start(SignalingConfig.defaults(), SignalingListener.NONE);
    InMemoryTransport.Client a = join("a");
    InMemoryTransport.Client sender = join("s");
    assertThat(a.next()).startsWith("{\"type\":\"participants\"");
    assertThat(a.next()).startsWith("{\"type\":\"presence\"");
    assertThat(a.next()).startsWith("{\"type\":\"participants\"");

    a.connection().pauseReading();
    // Fill the transport's window so that what follows waits in the core's outbox.
    String big = bigSignal("s", "a", SEND_WINDOW + 1);
    sender.send(big);
    List<InMemoryTransport.Client> joiners = new ArrayList<>();
    for (String id : List.of("b", "c", "d")) {
      joiners.add(join(id));
    }
    a.connection().resumeReading();

    assertThat(a.next()).isEqualTo(big);
    assertThat(a.next()).isEqualTo(presence("b"));
    assertThat(a.next()).isEqualTo(presence("c"));
    assertThat(a.next()).isEqualTo(presence("d"));
    assertThat(a.next()).as("only the newest snapshot, in its own place")
        .isEqualTo("{\"type\":\"participants\",\"participants\":[" + entry("a") + "," + entry("s") + ","
            + entry("b") + "," + entry("c") + "," + entry("d") + "]}");
    a.send("{\"type\":\"probe\"}");
    assertThat(a.next()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
  }

  @Test
  void withAZeroInterval_everyListGoesAtOnce() {
    server = InMemoryTransport.start(
        SignalingConfig.builder().membershipInterval(Duration.ZERO).build(), SignalingListener.NONE);
    InMemoryTransport.Client a = join("a");
    join("b");
    join("c");
    assertThat(a.next()).isEqualTo(list("a"));
    assertThat(a.next()).isEqualTo(presence("b"));
    assertThat(a.next()).isEqualTo(list("a", "b"));
    assertThat(a.next()).isEqualTo(presence("c"));
    assertThat(a.next()).isEqualTo(list("a", "b", "c"));
  }

  @Test
  void aConnectionThatDoesNotReadIsClosedAsSlowConsumer_othersAreUnaffected() {
    server = InMemoryTransport.start(
        SignalingConfig.builder().maxQueuedBytes(200_000).noRateLimit().build(), SignalingListener.NONE);
    InMemoryTransport.Client slow = join("slow");
    InMemoryTransport.Client sender = join("s");
    InMemoryTransport.Client other = join("o");
    slow.connection().pauseReading();
    for (int i = 0; i < 40 && !slow.isClosed(); i++) {
      sender.send(bigSignal("s", "slow", 10_000));
    }
    assertThat(slow.awaitClose()).isEqualTo(new TestClient.CloseStatus(1008, "slow consumer"));
    assertThat(server.hub().participants()).extracting(p -> p.nodeId()).containsExactly("s", "o");
    // drain what "o" has received so far, then check it sees the slow node leave
    List<String> seen = new ArrayList<>();
    String m;
    do {
      m = other.next();
      seen.add(m);
    } while (!m.equals(presenceLeave("slow")));
    sender.send(bigSignal("s", "o", 10));
    assertThat(other.next()).startsWith("{\"type\":\"participants\"");
    assertThat(other.next()).isEqualTo(bigSignal("s", "o", 10));
  }

  private static String list(String... ids) {
    List<String> entries = new ArrayList<>();
    for (String id : ids) {
      entries.add(entry(id));
    }
    return "{\"type\":\"participants\",\"participants\":[" + String.join(",", entries) + "]}";
  }

  private static String entry(String id) {
    return "{\"nodeId\":\"" + id + "\",\"username\":\"u" + id + "\"}";
  }

  private static String presence(String id) {
    return "{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id
        + "\",\"publicKey\":\"\"}";
  }

  private static String presenceLeave(String id) {
    return "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id
        + "\",\"publicKey\":\"\"}";
  }
}
