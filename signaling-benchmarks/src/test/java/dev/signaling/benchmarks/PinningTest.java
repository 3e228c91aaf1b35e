package dev.signaling.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which CPUs the server and the generator get, for every shape of machine. */
class PinningTest {

  @Test
  void oneCoreServer_leavesTheOtherCoresToTheGenerator() {
    Pinning pinning = Pinning.of(1, List.of(0, 1, 2, 3)).orElseThrow();
    assertThat(pinning.serverCpus()).isEqualTo("0");
    assertThat(pinning.generatorCpus()).isEqualTo("1,2,3");
    assertThat(pinning.shared()).isFalse();
  }

  @Test
  void serverOnEveryCore_sharesThemWithTheGenerator() {
    Pinning pinning = Pinning.of(2, List.of(0, 1)).orElseThrow();
    assertThat(pinning.serverCpus()).isEqualTo("0,1");
    assertThat(pinning.generatorCpus()).isEqualTo("0,1");
    assertThat(pinning.shared()).isTrue();
    assertThat(pinning.describe()).contains("shared");
  }

  @Test
  void moreCoresThanAllowed_isNotMeasured() {
    assertThat(Pinning.of(3, List.of(4, 5))).isEmpty();
    assertThat(Pinning.of(0, List.of(4, 5))).isEmpty();
  }

  @Test
  void cpuLists_parseLikeTaskset() {
    assertThat(Pinning.parse("0-2,5, 7-8")).containsExactly(0, 1, 2, 5, 7, 8);
    assertThat(Pinning.format(List.of(3, 4))).isEqualTo("3,4");
    assertThat(Pinning.prefix("0")).containsExactly("taskset", "-c", "0");
    assertThat(Pinning.prefix("")).isEmpty();
  }

  @Test
  void compare_rotatesWhichServerGoesFirst() {
    List<ServerKind> kinds = List.of(ServerKind.CEILING, ServerKind.OURS, ServerKind.RAW);
    assertThat(Compare.rotate(kinds, 0)).containsExactly(ServerKind.CEILING, ServerKind.OURS, ServerKind.RAW);
    assertThat(Compare.rotate(kinds, 1)).containsExactly(ServerKind.OURS, ServerKind.RAW, ServerKind.CEILING);
  }

  @Test
  void report_scalingComparesTheWidestPinningWithTheNarrowest() {
    Report report = new Report(List.of(ServerKind.OURS));
    report.row("relay", Pinning.of(1, List.of(0, 1)).orElseThrow(), Report.Better.HIGHER, true, Report.INTEGER, 100)
        .value(ServerKind.OURS, 200);
    report.row("relay", Pinning.of(2, List.of(0, 1)).orElseThrow(), Report.Better.HIGHER, true, Report.INTEGER, 150)
        .value(ServerKind.OURS, 340);
    assertThat(report.scaling()).containsExactly("relay, 2 cores / 1: ceiling 1.50x, ours 1.70x");
  }
}
