package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.RecordingListener;
import dev.signaling.testkit.WebSocketTestClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * A client that never reads, over real sockets: closed with {@code 1008 slow consumer} as soon as
 * what waits for it passes the cap (not behind its backlog, which it would never read), while the
 * server's memory for it stays bounded and is released at the close; everyone else is served on.
 */
public abstract class SlowConsumerTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected SlowConsumerTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private static final long CAP = 256 * 1024;
  /** What the core lets the transport hold before messages wait in the core's own outbox. */
  private static final long SEND_WINDOW = 64 * 1024;
  private static final int PAYLOAD = 16 * 1024;

  private final RecordingListener listener = new RecordingListener();
  private ServerHandle server;

  private static String signal(String from, String to, String payload) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":\"" + payload + "\"}";
  }

  @Test
  void clientThatNeverReads_isClosed1008Promptly_withBoundedMemory_othersUnaffected() throws Exception {
    server = start(wire().spec()
        .config(SignalingConfig.builder().maxQueuedBytes(CAP).noRateLimit().build()).listener(listener));
    WebSocketTestClient sender = WebSocketTestClient.connect("sender", server.webSocketUri());
    sender.send("{\"type\":\"register\",\"nodeId\":\"s\",\"username\":\"s\"}");
    sender.next();
    WebSocketTestClient other = WebSocketTestClient.connect("other", server.webSocketUri());
    other.send("{\"type\":\"register\",\"nodeId\":\"o\",\"username\":\"o\"}");
    other.next();
    sender.next();
    sender.next();

    // A tiny receive window: the client stops taking bytes after a few kilobytes.
    try (RawSocket slow = new RawSocket(server.port(), 4096).upgrade("/slow").register("slow")) {
      ServerHandle.OutboundQueue slowSocket = server.outboundQueue("/slow");
      for (WebSocketTestClient c : new WebSocketTestClient[] {sender, other}) {
        assertThat(c.next()).startsWith("{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"slow\"");
        c.next(); // participants
      }

      String flood = signal("s", "slow", "f".repeat(PAYLOAD));
      List<String> otherGot = new ArrayList<>(); // everything but the signals it is sent
      // Samples the gauge all along the flood, from its own thread.
      AtomicLong maxQueued = new AtomicLong();
      AtomicBoolean flooding = new AtomicBoolean(true);
      Thread sampler = new Thread(() -> {
        while (flooding.get()) {
          maxQueued.accumulateAndGet(server.hub().metrics().maxQueuedBytes(), Math::max);
          LockSupport.parkNanos(100_000);
        }
      }, "queued-bytes-sampler");
      sampler.start();
      int sent = 0;
      // The kernel's socket buffers take the first megabytes; then the server's queue grows.
      while (!listener.events().contains("slow consumer")) {
        assertThat(sent).as("signals sent before the slow consumer was detected").isLessThan(20_000);
        sender.send(flood);
        sent++;
        if (sent % 64 == 0) {
          // Meanwhile the others are served as usual.
          String ping = signal("s", "o", "n" + sent);
          sender.send(ping);
          for (String m = other.next(); !m.equals(ping); m = other.next()) {
            otherGot.add(m);
          }
        }
      }
      listener.await("closed 1008 by server");
      flooding.set(false);
      sampler.join();
      assertThat(maxQueued.get()).as("most bytes queued for one connection while flooding")
          .isLessThanOrEqualTo(CAP + SEND_WINDOW);
      assertThat(server.hub().metrics().closes()).containsEntry(1008, 1L);

      // Released: the slow connection's queue is emptied at the close, and no longer counted.
      assertThat(slowSocket.queuedBytes()).isZero();
      assertThat(slowSocket.isEmpty()).as("nothing held for it").isTrue();
      assertThat(server.hub().metrics().connectionsOpen()).isEqualTo(2);
      assertThat(server.hub().metrics().maxQueuedBytes()).isLessThan(SEND_WINDOW);
      assertThat(slow.awaitClose()).as("no close frame behind a backlog: TCP is dropped").isNull();

      // The node left; the sender's later signals to it are refused, everyone else is served.
      String last = signal("s", "o", "after");
      sender.send(last);
      for (String m = other.next(); !m.equals(last); m = other.next()) {
        otherGot.add(m);
      }
      String leave = "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"slow\",\"username\":\"slow\","
          + "\"publicKey\":\"\"}";
      String participants = "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"s\",\"username\":\"s\"},"
          + "{\"nodeId\":\"o\",\"username\":\"o\"}]}";
      assertThat(otherGot).containsExactly(leave, participants);

      String peerNotFound = "{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"slow\"}";
      sender.send(signal("s", "slow", "late"));
      sender.send("{\"type\":\"probe\"}");
      List<String> senderGot = new ArrayList<>();
      for (String m = sender.next(); !m.equals("{\"type\":\"error\",\"error\":\"unknown type\"}"); m = sender.next()) {
        senderGot.add(m);
      }
      // Flood signals that arrived after the leave were refused too, like the late one.
      assertThat(senderGot).contains(leave, participants).endsWith(peerNotFound)
          .allMatch(m -> m.equals(leave) || m.equals(participants) || m.equals(peerNotFound));
      assertThat(sender.isClosed()).isFalse();
      assertThat(other.isClosed()).isFalse();
      assertThat(server.participants()).extracting(p -> p.nodeId()).containsExactly("s", "o");
    }
    sender.close();
    other.close();
  }
}
