package dev.signaling.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves in a few seconds that every workload runs end to end against every server, in-process
 * and tiny: real sockets, real WebSocket frames, results that can only be right if messages
 * flowed. The measurements themselves run only through {@code benchmarks.jar compare}.
 */
class HarnessSmokeTest {

  /** Every transport of ours (so that a new one is covered by adding it to ServerKind), then {@code others}. */
  private static List<ServerKind> with(ServerKind... others) {
    List<ServerKind> kinds = new ArrayList<>(ServerKind.contenders());
    kinds.addAll(List.of(others));
    return kinds;
  }

  @Test
  void relay_signalsGoBackAndForthThroughEveryServer() throws Exception {
    for (ServerKind kind : with(ServerKind.CEILING, ServerKind.RAW)) {
      try (Target target = Target.inProcess(kind)) {
        RelayWorkload.Result r = RelayWorkload.run(target, 100, 300);
        assertThat(r.messagesPerSecond()).as(kind.label).isPositive(); // signals flowed: no speed asserted here
        assertThat(r.errors()).as(kind.label).isZero();
        assertThat(r.malformed()).as(kind.label).isZero();
      }
    }
  }

  @Test
  void latency_everySignalSentInTheWindowArrives() throws Exception {
    for (ServerKind kind : with(ServerKind.CEILING)) {
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
    for (ServerKind kind : with(ServerKind.CEILING)) {
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
    for (ServerKind kind : with(ServerKind.CEILING_FULL)) {
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
    for (ServerKind kind : ServerKind.contenders()) {
      try (Target target = Target.inProcess(kind)) {
        StormWorkload.Result r = StormWorkload.capacity(target, 100);
        assertThat(r.settled()).as(kind.label).isEqualTo(100);
        // In-process the generator's side is counted too; the figure only has to exist here.
        assertThat(r.bytesPerConnection()).as(kind.label).isPositive();
      }
    }
  }

  @Test
  void connect_everyConnectionUpgradesThenOneMoreAfterTheDrop() throws Exception {
    for (ServerKind kind : with(ServerKind.CEILING, ServerKind.CEILING_ACCEPT_ALL, ServerKind.RAW)) {
      try (Target target = Target.inProcess(kind)) {
        ConnectWorkload.Result r = ConnectWorkload.run(target, 90, 10, 20);
        assertThat(r.failed()).as(kind.label).isZero();
        assertThat(r.closedByServer()).as(kind.label).isZero();
        // NaN unless all 90 upgraded, and unless one more upgraded after the drop.
        assertThat(r.openMillis()).as(kind.label).isPositive().isFinite();
        assertThat(r.acceptAfterDropMillis()).as(kind.label).isPositive().isFinite();
        assertThat(r.probeAttempts()).as(kind.label).isPositive();
      }
    }
  }

  @Test
  void connect_refusesAStormLargerThanTheDescriptorLimit() {
    assertThatThrownBy(() -> ConnectWorkload.checkDescriptors(Integer.MAX_VALUE - 1_000))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ulimit -n");
  }

  @Test
  void chart_drawsEveryChartedRowAsAPng(@TempDir Path dir) throws Exception {
    Report report = new Report(List.of(ServerKind.OURS));
    Pinning one = Pinning.of(1, List.of(0, 1)).orElseThrow();
    report.row("relay, msg/s", one, Report.Better.HIGHER, true, Report.INTEGER, 100_000).value(ServerKind.OURS, 250_000);
    report.row("connect, open all, s", one, Report.Better.LOWER, true, Report.TWO_DECIMALS, 10).value(ServerKind.OURS, 2);
    report.row("relay, server CPU us/msg", one, Report.Better.LOWER, false, Report.TWO_DECIMALS, 10)
        .value(ServerKind.OURS, 5);
    assertThat(report.rows.get(1).advantage(ServerKind.OURS)).isEqualTo(5.0);

    Path png = dir.resolve("docs/performance.png");
    assertThat(Chart.write(report, "smoke test", png)).isTrue();
    byte[] bytes = Files.readAllBytes(png);
    assertThat(bytes).startsWith(0x89, 'P', 'N', 'G');
    assertThat(bytes.length).isGreaterThan(5_000);
  }

  @Test
  void chart_withoutAChartedValue_writesNothing(@TempDir Path dir) throws Exception {
    Report report = new Report(List.of(ServerKind.OURS));
    report.row("relay, server CPU us/msg", Pinning.NONE, Report.Better.LOWER, false, Report.TWO_DECIMALS, 10)
        .value(ServerKind.OURS, 5);
    assertThat(Chart.write(report, "smoke test", dir.resolve("chart.png"))).isFalse();
    assertThat(dir.resolve("chart.png")).doesNotExist();
  }

  @Test
  void aServerInItsOwnJvm_runsOnTheCpusItIsPinnedTo() throws Exception {
    String cpu = Integer.toString(Pinning.allowedCpus().get(0));
    System.setProperty(Pinning.SERVER_CPUS, cpu);
    try (Target target = Target.spawn(ServerKind.RAW)) {
      // By the process id, not the command line, which Linux may not report in full.
      long server = ((Target.Remote) target).pid();
      String allowed = Files.readAllLines(Path.of("/proc/" + server + "/status")).stream()
          .filter(line -> line.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
      assertThat(allowed.substring(allowed.indexOf(':') + 1).trim()).isEqualTo(cpu);
      assertThat(target.port()).isPositive();
    } finally {
      System.clearProperty(Pinning.SERVER_CPUS);
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
