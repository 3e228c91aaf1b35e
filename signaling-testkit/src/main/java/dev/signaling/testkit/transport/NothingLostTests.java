package dev.signaling.testkit.transport;

import static dev.signaling.testkit.Messages.signal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.Waits;
import dev.signaling.testkit.WebSocketTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nothing accepted is lost, over real sockets, under concurrency: several senders signal several
 * targets at once while other nodes join and leave, and one target leaves mid-way (it registers
 * under another nodeId, so its connection stays open to count what reached it). Every signal the
 * server accepted arrives exactly once and in per-pair order; every other one was answered with
 * {@code peer not found}; the two add up to what was sent.
 */
public abstract class NothingLostTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected NothingLostTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private static final int SENDERS = 3;
  private static final int PER_PAIR = 300;
  private static final int CHURN = 15;
  private static final long WAIT_SECONDS = 30;

  private ServerHandle server;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
    if (server != null) {
      server.close();
    }
  }

  private WebSocketTestClient joined(String nodeId) throws Exception {
    WebSocketTestClient c = WebSocketTestClient.connect(nodeId, server.webSocketUri());
    c.send("{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + nodeId + "\"}");
    assertThat(c.next()).startsWith("{\"type\":\"participants\"");
    return c;
  }

  /** Per sender, the sequence numbers a target received, in arrival order. */
  private static final class Received {
    final Map<String, List<Integer>> bySender = new HashMap<>();
    int ends;

    /** Records a message; false for anything but a signal. */
    boolean record(String message) {
      if (!message.startsWith("{\"type\":\"signal\"")) {
        return false; // presence and participants of the churn
      }
      String from = message.substring(message.indexOf("\"from\":\"") + 8, message.indexOf("\",\"to\""));
      if (message.contains("\"end\":true")) {
        ends++;
      } else {
        int seq = Integer.parseInt(message.substring(message.indexOf("\"seq\":") + 6, message.lastIndexOf("}}")));
        bySender.computeIfAbsent(from, k -> new ArrayList<>()).add(seq);
      }
      return true;
    }

    int count(String sender) {
      return bySender.getOrDefault(sender, List.of()).size();
    }
  }

  @Test
  void underConcurrentLoadAndChurn_everyAcceptedSignalArrivesOnceInOrder_andTheRestAreRefused() throws Exception {
    server = start(wire().spec()
        .config(SignalingConfig.builder().noRateLimit().build()));
    List<String> targets = List.of("t0", "t1", "t2");
    Map<String, WebSocketTestClient> targetClients = new HashMap<>();
    for (String t : targets) {
      targetClients.put(t, joined(t));
    }
    List<String> senders = IntStream.range(0, SENDERS).mapToObj(i -> "s" + i).toList();
    Map<String, WebSocketTestClient> senderClients = new HashMap<>();
    for (String s : senders) {
      senderClients.put(s, joined(s));
    }
    CountDownLatch renamed = new CountDownLatch(1);

    // Readers: each target reads until every sender's end marker has arrived.
    Map<String, Future<Received>> readers = new HashMap<>();
    for (String t : targets) {
      WebSocketTestClient client = targetClients.get(t);
      boolean leaves = t.equals("t2");
      readers.put(t, pool.submit(() -> {
        Received received = new Received();
        boolean renameSent = false;
        while (received.ends < SENDERS) {
          String m = client.next();
          if (!received.record(m) && leaves && renameSent && m.contains("\"nodeId\":\"t2-renamed\"")
              && m.startsWith("{\"type\":\"participants\"")) {
            renamed.countDown(); // the server has applied the leave of t2
          }
          if (leaves && !renameSent && senders.stream().allMatch(s -> received.count(s) >= PER_PAIR / 4)) {
            // Mid-way, t2 leaves: it registers as another node on the same connection.
            client.send("{\"type\":\"register\",\"nodeId\":\"t2-renamed\",\"username\":\"t2\"}");
            renameSent = true;
          }
        }
        return received;
      }));
    }

    // Churn: nodes join and leave all along.
    Future<?> churn = pool.submit(() -> {
      for (int i = 0; i < CHURN; i++) {
        WebSocketTestClient c = joined("c" + i);
        c.close();
      }
      return null;
    });

    // Senders: round-robin over the targets; from 3/4 on, t2 has certainly left.
    Map<String, Future<Integer>> refusals = new HashMap<>();
    for (String s : senders) {
      WebSocketTestClient client = senderClients.get(s);
      refusals.put(s, pool.submit(() -> {
        for (int k = 0; k < PER_PAIR; k++) {
          if (k == PER_PAIR * 3 / 4) {
            assertThat(renamed.await(WAIT_SECONDS, TimeUnit.SECONDS)).as("t2 left").isTrue();
          }
          for (String t : targets) {
            client.send(signal(s, t, "{\"seq\":" + k + "}"));
          }
        }
        for (String t : List.of("t0", "t1", "t2-renamed")) {
          client.send(signal(s, t, "{\"end\":true}"));
        }
        // Count the refusals: the probe's answer comes after every answer to earlier signals.
        client.send("{\"type\":\"probe\"}");
        int peerNotFound = 0;
        for (String m = client.next(); !m.equals("{\"type\":\"error\",\"error\":\"unknown type\"}"); m = client.next()) {
          if (m.startsWith("{\"type\":\"error\"")) {
            assertThat(m).isEqualTo("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"t2\"}");
            peerNotFound++;
          }
        }
        return peerNotFound;
      }));
    }

    churn.get(WAIT_SECONDS, TimeUnit.SECONDS);
    List<Integer> all = IntStream.range(0, PER_PAIR).boxed().toList();
    for (String t : List.of("t0", "t1")) {
      Received received = readers.get(t).get(WAIT_SECONDS, TimeUnit.SECONDS);
      for (String s : senders) {
        assertThat(received.bySender.get(s)).as("%s from %s: each once, in order", t, s).isEqualTo(all);
      }
    }
    Received t2 = readers.get("t2").get(WAIT_SECONDS, TimeUnit.SECONDS);
    for (String s : senders) {
      int refused = refusals.get(s).get(WAIT_SECONDS, TimeUnit.SECONDS);
      List<Integer> arrived = t2.bySender.get(s);
      assertThat(arrived).as("t2 from %s: a prefix of what was sent, each once, in order", s)
          .isEqualTo(all.subList(0, arrived.size()));
      assertThat(arrived.size() + refused).as("arrived + refused for %s -> t2", s).isEqualTo(PER_PAIR);
      assertThat(arrived.size()).as("sent before t2 left").isGreaterThanOrEqualTo(PER_PAIR / 4);
      assertThat(refused).as("sent after t2 left").isGreaterThanOrEqualTo(PER_PAIR / 4);
    }
    // The churn's last close may still be on its way through the server: wait for it, bounded.
    Waits.until("the churn's last close applied", Duration.ofSeconds(WAIT_SECONDS),
        () -> server.participants().size() <= 6);
    assertThat(server.participants()).extracting(p -> p.nodeId())
        .containsExactlyInAnyOrder("t0", "t1", "t2-renamed", "s0", "s1", "s2");
  }
}
