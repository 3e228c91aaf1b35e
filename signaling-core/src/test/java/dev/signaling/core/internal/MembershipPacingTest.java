package dev.signaling.core.internal;

import static dev.signaling.core.internal.WireLog.join;
import static dev.signaling.core.internal.WireLog.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Membership pacing on stepped time, as PROTOCOL.md's Timeliness says: a lone change goes at
 * once, the registered connections first and the registrant's answer last; only a change that
 * follows another within the interval waits, at most one interval.
 */
class MembershipPacingTest {

  private static final Duration INTERVAL = Duration.ofMillis(50);

  private WireLog wire = new WireLog(SignalingConfig.builder().membershipInterval(INTERVAL).build());

  @AfterEach
  void close() {
    wire.close();
  }

  @Test
  void aLoneJoin_reachesTheExistingNodeAtOnce_beforeTheRegistrantsAnswer() {
    wire.registered("a");
    wire.take();
    wire.registered("b");
    assertThat(wire.take()).as("no time passed: nothing waited").containsExactly(
        new WireLog.Write("a", join("b")),
        new WireLog.Write("a", list("a", "b")),
        new WireLog.Write("b", list("a", "b")));
  }

  @Test
  void withAMinuteInterval_aLoneJoinStillArrivesAtOnce() {
    wire.close();
    wire = new WireLog(SignalingConfig.builder().membershipInterval(Duration.ofMinutes(1)).build());
    WireLog.Peer a = wire.registered("a");
    assertThat(wire.takeFor(a)).containsExactly(list("a"));
    wire.registered("b");
    assertThat(wire.takeFor(a)).containsExactly(join("b"), list("a", "b"));
  }

  @Test
  void aFollowingChange_waitsUntilTheSlotOfThePreviousEnds_whileTheRegistrantsAnswerOpenedNoInterval() {
    WireLog.Peer a = wire.registered("a");
    WireLog.Peer b = wire.registered("b"); // a's change goes at once and opens a's interval
    wire.take();
    wire.time.advance(Duration.ofMillis(10));
    wire.registered("c");
    List<WireLog.Write> writes = wire.take();
    assertThat(writes).as("b's own answer was no paced change: c's join reaches b at once")
        .containsExactly(
            new WireLog.Write("b", join("c")),
            new WireLog.Write("b", list("a", "b", "c")),
            new WireLog.Write("c", list("a", "b", "c")));

    wire.time.advance(INTERVAL.minusMillis(10).minusNanos(1));
    assertThat(wire.takeFor(a)).isEmpty();
    wire.time.advance(Duration.ofNanos(1));
    assertThat(wire.takeFor(a)).as("one interval after a's previous change, not later")
        .containsExactly(join("c"), list("a", "b", "c"));
    assertThat(b.closed).isNull();
  }

  @Test
  void aJoinStorm_isBatched_withOnlyTheNewestList() {
    WireLog.Peer a = wire.registered("a");
    wire.take();
    List<String> ids = new ArrayList<>(List.of("a"));
    for (int i = 0; i < 10; i++) {
      wire.registered("n" + i);
      ids.add("n" + i);
    }
    assertThat(wire.takeFor(a)).as("the first join at once, the others wait")
        .containsExactly(join("n0"), list("a", "n0"));

    wire.time.advance(INTERVAL);
    List<String> expected = new ArrayList<>();
    for (int i = 1; i < 10; i++) {
      expected.add(join("n" + i));
    }
    expected.add(list(ids.toArray(String[]::new)));
    assertThat(wire.takeFor(a)).as("one batch, one list").containsExactlyElementsOf(expected);
  }

  @Test
  void connectionsAreServedInRegistrationOrder_theRegistrantLast_evenWhereItKeepsItsPlace() {
    wire.registered("a");
    wire.registered("b");
    wire.registered("c");
    wire.time.advance(INTERVAL.multipliedBy(2)); // what waited went, and its slot ended
    wire.take();
    WireLog.Peer again = wire.connect("b2");
    again.send("{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"ub\"}");
    List<String> served = new ArrayList<>();
    for (WireLog.Write w : wire.take()) {
      if (!w.connection().equals("b")) { // the replaced connection: its error and close
        served.add(w.connection() + " " + w.text());
      }
    }
    assertThat(served).containsExactly(
        "a " + join("b"), "a " + list("a", "b", "c"),
        "c " + join("b"), "c " + list("a", "b", "c"),
        "b2 " + list("a", "b", "c"));
  }

  @Test
  void aMessageBehindWaitingChanges_waitsBehindThem() {
    WireLog.Peer a = wire.registered("a");
    WireLog.Peer b = wire.registered("b");
    wire.registered("c"); // waits for a
    wire.take();
    b.send("{\"type\":\"signal\",\"from\":\"b\",\"to\":\"a\",\"payload\":1}");
    assertThat(wire.takeFor(a)).isEmpty();
    wire.time.advance(INTERVAL);
    assertThat(wire.takeFor(a)).as("in order, never ahead of them").containsExactly(
        join("c"), list("a", "b", "c"), "{\"type\":\"signal\",\"from\":\"b\",\"to\":\"a\",\"payload\":1}");
  }

  @Test
  void aNewerChangeBehindAWaitingMessage_takesTheWaitingListBehindIt() {
    WireLog.Peer a = wire.registered("a");
    WireLog.Peer b = wire.registered("b");
    wire.registered("c"); // waits for a
    wire.take();
    String signal = "{\"type\":\"signal\",\"from\":\"b\",\"to\":\"a\",\"payload\":1}";
    b.send(signal);
    wire.registered("d"); // the list waiting for a is no longer last in its queue
    wire.time.advance(INTERVAL);
    assertThat(wire.takeFor(a)).as("the older list skipped, the newest after the newest join").containsExactly(
        join("c"), signal, join("d"), list("a", "b", "c", "d"));
  }

  @Test
  void changesStillWaiting_goOutBeforeTheShutdownClose() {
    WireLog.Peer a = wire.registered("a");
    wire.registered("b");
    wire.registered("c"); // waits for a
    wire.take();
    wire.relay.close();
    assertThat(wire.takeFor(a)).containsExactly(join("c"), list("a", "b", "c"));
    assertThat(a.closed).isEqualTo("1001 server shutting down");
  }
}
