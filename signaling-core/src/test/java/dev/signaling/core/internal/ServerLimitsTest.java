package dev.signaling.core.internal;

import static dev.signaling.core.internal.WireLog.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The core's share of the server-wide limits, on stepped time: the register timeout, the
 * fan-out limit and the budget of bytes queued for connections alone.
 */
class ServerLimitsTest {

  private static final String RATE_LIMITED = "{\"type\":\"error\",\"error\":\"rate limit exceeded\"}";
  private static final String HEARTBEAT = "{\"type\":\"heartbeat\"}";

  private WireLog wire;

  @AfterEach
  void close() {
    wire.close();
  }

  private static String signal(String from, String to, int payloadChars) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":\""
        + "x".repeat(payloadChars) + "\"}";
  }

  @Test
  void aConnectionThatDoesNotRegisterInTime_isClosed1008_registeredOnesStay() {
    wire = new WireLog(SignalingConfig.builder().registerTimeout(Duration.ofSeconds(30)).build());
    WireLog.Peer idle = wire.connect("idle");
    WireLog.Peer refused = wire.connect("refused");
    refused.send("{\"type\":\"register\",\"nodeId\":\"\",\"username\":\"x\"}"); // refused: not registered
    WireLog.Peer member = wire.registered("member");

    wire.time.advance(Duration.ofSeconds(29));
    assertThat(idle.closed).isNull();
    wire.time.advance(Duration.ofSeconds(2));
    assertThat(idle.closed).isEqualTo("1008 register timeout");
    assertThat(refused.closed).isEqualTo("1008 register timeout");
    assertThat(member.closed).isNull();
    assertThat(wire.relay.connectionCount()).isEqualTo(1);
  }

  @Test
  void withAZeroRegisterTimeout_idleConnectionsStay() {
    wire = new WireLog(SignalingConfig.builder().registerTimeout(Duration.ZERO).build());
    WireLog.Peer idle = wire.connect("idle");
    wire.time.advance(Duration.ofMinutes(10));
    assertThat(idle.closed).isNull();
  }

  @Test
  void heartbeatsBeyondTheFanoutLimit_areDropped_withOneErrorASecond() {
    // A heartbeat from "a" is 31 bytes, for 2 others: 62 bytes a charge.
    wire = new WireLog(SignalingConfig.builder().fanoutLimit(620, 1240).build());
    WireLog.Peer a = wire.registered("a");
    WireLog.Peer b = wire.registered("b");
    wire.registered("c");
    wire.time.advance(Duration.ofSeconds(10)); // a's register was charged too: full again
    wire.take();
    for (int i = 0; i < 60; i++) {
      a.send(HEARTBEAT);
    }
    List<String> toA = new ArrayList<>();
    List<String> toB = new ArrayList<>();
    wire.take().forEach(w -> (w.connection().equals("a") ? toA : w.connection().equals("b") ? toB : new ArrayList<String>())
        .add(w.text()));
    assertThat(toB).as("the burst: 1240 / 62").hasSize(20);
    assertThat(toA).as("one error, however many are dropped").containsExactly(RATE_LIMITED);

    wire.time.advance(Duration.ofSeconds(1)); // 620 bytes: 10 heartbeats
    for (int i = 0; i < 30; i++) {
      a.send(HEARTBEAT);
    }
    List<String> afterASecond = wire.takeFor(b);
    assertThat(afterASecond).hasSize(10);
  }

  @Test
  void aChargeLargerThanTheBurst_passesWhenNotInDebt_andLeavesTheBucketInDebt() {
    wire = new WireLog(SignalingConfig.builder().fanoutLimit(50, 50).build());
    WireLog.Peer a = wire.registered("a");
    wire.time.advance(Duration.ofSeconds(10)); // each register was charged: refill
    WireLog.Peer b = wire.registered("b");
    wire.time.advance(Duration.ofSeconds(10));
    wire.registered("c");
    wire.time.advance(Duration.ofSeconds(10));
    wire.take();
    a.send(HEARTBEAT); // 62 bytes > 50: passes, 12 in debt
    assertThat(wire.takeFor(b)).hasSize(1);
    a.send(HEARTBEAT);
    assertThat(wire.takeFor(b)).as("in debt").isEmpty();
    wire.time.advance(Duration.ofMillis(300)); // 3 tokens: out of debt, though fewer than 62
    a.send(HEARTBEAT);
    assertThat(wire.takeFor(b)).as("over the burst and out of debt: passes again").hasSize(1);
    a.send(HEARTBEAT);
    assertThat(wire.takeFor(b)).as("in debt").isEmpty();
  }

  @Test
  void theQueuedBudget_shedsTheConnectionHoldingTheMost_untilItHolds_neverASmallOne() {
    wire = new WireLog(SignalingConfig.builder().noRateLimit().noFanoutLimit()
        .maxTotalQueuedBytes(300_000).maxQueuedBytes(8L << 20).build());
    WireLog.Peer sender = wire.registered("s");
    WireLog.Peer big1 = wire.registered("big1");
    WireLog.Peer big2 = wire.registered("big2");
    WireLog.Peer small = wire.registered("small");
    WireLog.Peer reader = wire.registered("reader");
    for (WireLog.Peer p : List.of(big1, big2, small)) {
      p.pause();
    }
    sender.send(signal("s", "small", 20_000));
    for (int i = 0; i < 30 && big1.closed == null && big2.closed == null; i++) {
      sender.send(signal("s", "big1", 5_000));
      sender.send(signal("s", "big2", 5_000));
      sender.send(signal("s", "reader", 100));
    }
    // 28 rounds pass 300,000 bytes (2 x 28 x 5,060 + 20,060); shedding one of the two that hold
    // the most brings it back under.
    assertThat(List.of(String.valueOf(big1.closed), String.valueOf(big2.closed)))
        .containsExactlyInAnyOrder("1008 slow consumer", "null");
    assertThat(small.closed).as("never an innocent small one").isNull();
    assertThat(reader.closed).isNull();
    assertThat(wire.relay.connectionCount()).isEqualTo(4);
  }

  @Test
  void broadcasts_areSharedAndNotSummedIntoTheBudget() {
    wire = new WireLog(SignalingConfig.builder().noRateLimit().noFanoutLimit()
        .membershipInterval(Duration.ZERO).maxTotalQueuedBytes(20_000).build());
    List<WireLog.Peer> lagging = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      WireLog.Peer p = wire.registered("n" + i);
      ids.add("n" + i);
      p.pause();
      lagging.add(p);
    }
    for (int i = 20; i < 120; i++) {
      wire.registered("n" + i);
      ids.add("n" + i);
    }
    for (WireLog.Peer p : lagging) {
      p.send(HEARTBEAT);
    }
    assertThat(lagging).as("a join storm to clients that read slowly sheds none of them")
        .allSatisfy(p -> assertThat(p.closed).isNull());
    assertThat(wire.relay.participants()).hasSize(120);
    assertThat(list(ids.toArray(String[]::new))).isNotEmpty();
  }
}
