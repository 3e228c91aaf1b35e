package dev.signaling.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves in a few seconds that every workload runs end to end against every server, in-process
 * and tiny: real sockets, real WebSocket frames, results that can only be right if messages
 * flowed. The measurements themselves run only through {@code benchmarks.jar compare}.
 */
class HarnessSmokeTest {

  @Test
  void relay_signalsGoBackAndForthThroughEveryServer() throws Exception {
    for (ServerKind kind : new ServerKind[] {ServerKind.OURS, ServerKind.CEILING, ServerKind.RAW}) {
      try (Target target = Target.inProcess(kind)) {
        RelayWorkload.Result r = RelayWorkload.run(target, 100, 300);
        assertThat(r.messagesPerSecond()).as(kind.label).isGreaterThan(1_000);
        assertThat(r.errors()).as(kind.label).isZero();
        assertThat(r.malformed()).as(kind.label).isZero();
      }
    }
  }

  @Test
  void latency_everySignalSentInTheWindowArrives() throws Exception {
    for (ServerKind kind : new ServerKind[] {ServerKind.OURS, ServerKind.CEILING}) {
      try (Target target = Target.inProcess(kind)) {
        LatencyWorkload.Result r = LatencyWorkload.run(target, 2_000, 100, 300);
        assertThat(r.sent()).as(kind.label).isGreaterThan(400);
        assertThat(r.received()).as(kind.label).isEqualTo(r.sent());
        assertThat(r.p50()).as(kind.label).isGreaterThan(0).isLessThanOrEqualTo(r.p99());
      }
    }
  }

  @Test
  void fanout_everyHeartbeatReachesEveryOtherNode() throws Exception {
    for (ServerKind kind : new ServerKind[] {ServerKind.OURS, ServerKind.CEILING}) {
      try (Target target = Target.inProcess(kind)) {
        FanoutWorkload.Result r = FanoutWorkload.run(target, 20, 1, TimeUnit.MILLISECONDS.toNanos(400));
        assertThat(r.expected()).isEqualTo(20 * 19);
        assertThat(r.delivered()).as(kind.label).isEqualTo(r.expected());
        assertThat(r.passed()).as(kind.label).isTrue();
      }
    }
  }

  @Test
  void joinStorm_everyNodeEndsWithTheFullList() throws Exception {
    for (ServerKind kind : new ServerKind[] {ServerKind.OURS, ServerKind.CEILING_FULL}) {
      try (Target target = Target.inProcess(kind)) {
        StormWorkload.Result r = StormWorkload.joinStorm(target, 60, 20);
        assertThat(r.settled()).as(kind.label).isEqualTo(60);
        assertThat(r.millis()).as(kind.label).isPositive();
        assertThat(r.closed()).as(kind.label).isZero();
      }
    }
  }

  @Test
  void capacity_measuresTheHeapThatConnectionsHold() throws Exception {
    try (Target target = Target.inProcess(ServerKind.OURS)) {
      StormWorkload.Result r = StormWorkload.capacity(target, 100);
      assertThat(r.settled()).isEqualTo(100);
      // In-process the generator's side is counted too; the figure only has to exist here.
      assertThat(r.bytesPerConnection()).isPositive();
    }
  }

  @Test
  void aServerInItsOwnJvm_answersItsControlCommands() throws Exception {
    try (Target target = Target.spawn(ServerKind.RAW)) {
      assertThat(target.port()).isPositive();
      assertThat(target.liveHeap()).isPositive();
      target.resetPeak();
      assertThat(target.peakHeap().used()).isPositive();
      assertThat(target.cpuNanos()).isPositive();
    }
  }
}
