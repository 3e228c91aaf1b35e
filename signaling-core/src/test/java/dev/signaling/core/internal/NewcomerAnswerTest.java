package dev.signaling.core.internal;

import static dev.signaling.core.internal.WireLog.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A newcomer's first message is its register's answer, whatever other threads fan out meanwhile. */
class NewcomerAnswerTest {

  @Test
  void aHeartbeatFannedOutWhileARegisterIsApplied_reachesTheNewcomerOnlyAfterItsAnswer() throws Exception {
    AtomicReference<WireLog.Peer> sender = new AtomicReference<>();
    ExecutorService otherThread = Executors.newSingleThreadExecutor();
    SignalingListener listener = new SignalingListener() {
      @Override
      public void nodeJoined(Participant participant) {
        if (participant.nodeId().equals("d")) {
          // Called while d's register is applied, before d's answer is queued: another
          // connection's heartbeat, on its own thread (a heartbeat takes no lock), goes out now.
          try {
            otherThread.submit(() -> sender.get().send("{\"type\":\"heartbeat\"}")).get(10, TimeUnit.SECONDS);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
    };
    try (WireLog wire = new WireLog(SignalingConfig.builder().membershipInterval(Duration.ZERO).build(), listener)) {
      sender.set(wire.registered("a"));
      wire.take();
      WireLog.Peer d = wire.connect("d");
      d.register();
      List<String> toD = wire.takeFor(d);
      assertThat(toD).as("what d received").isNotEmpty();
      assertThat(toD.get(0)).as("d's first message").isEqualTo(list("a", "d"));
    } finally {
      otherThread.shutdownNow();
    }
  }
}
