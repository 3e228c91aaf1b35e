package dev.signaling.core.internal;

import static dev.signaling.core.internal.WireLog.join;
import static dev.signaling.core.internal.WireLog.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Membership pacing on stepped time: when presence and participants go to each client. */
class MembershipPacingTest {

  private static final Duration INTERVAL = Duration.ofMillis(50);

  private final WireLog wire = new WireLog(SignalingConfig.builder().membershipInterval(INTERVAL).build());

  @AfterEach
  void close() {
    wire.close();
  }

  @Test
  void changesWithinOneSlot_waitForTheNextSlot_withOnlyTheNewestList() {
    WireLog.Peer a = wire.connect("a");
    a.register();
    assertThat(wire.takeFor(a)).containsExactly(list("a"));
    wire.connect("b").register();
    wire.connect("c").register();
    assertThat(wire.takeFor(a)).as("the slot of a's own list is taken").isEmpty();

    wire.time.advance(INTERVAL.minusNanos(1));
    assertThat(wire.takeFor(a)).isEmpty();
    wire.time.advance(Duration.ofNanos(1));
    assertThat(wire.takeFor(a)).containsExactly(join("b"), join("c"), list("a", "b", "c"));
  }
}
