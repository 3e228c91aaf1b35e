package dev.signaling.benchmarks;

import static dev.signaling.benchmarks.Child.d;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The fan-out figure of one pinning: for each server, the largest N that passes (at least 99 %
 * delivered, p99 lag under a second, nothing closed), found by doubling from the start until a
 * size fails, then bisecting, within a fixed number of trials (so the answer is exact to within
 * the last step).
 */
final class FanoutSearch {

  private final CompareSettings settings;
  private final Pinning pin;
  private final List<String> trails = new ArrayList<>();

  FanoutSearch(CompareSettings settings, Pinning pin) {
    this.settings = settings;
    this.pin = pin;
  }

  int largest(ServerKind kind) throws Exception {
    int pass = 0;
    int fail = Integer.MAX_VALUE;
    int n = settings.fanoutStart();
    StringBuilder trail = new StringBuilder();
    for (int step = 0; step < settings.fanoutSteps(); step++) {
      Map<String, String> r = trial(kind, n);
      boolean passed = passed(r);
      trail.append(String.format(Locale.ROOT, " %d:%s(%.2f%%,p99 %.0fms%s)", n, passed ? "ok" : "FAIL",
          100 * d(r, "delivered") / d(r, "expected"), d(r, "p99Millis"),
          d(r, "errors") > 0 ? "," + r.get("errors") + " unsettled/closed" : ""));
      if (passed) {
        pass = n;
      } else {
        fail = n;
      }
      int next = fail == Integer.MAX_VALUE ? pass * 2 : (pass + fail) / 2;
      if (fail != Integer.MAX_VALUE && fail - pass <= Math.max(50, pass / 20)) {
        break;
      }
      n = next;
    }
    System.err.printf(Locale.ROOT, "  [%dc] fanout %s:%s%n", pin.cores(), kind.label, trail);
    trails.add(String.format(Locale.ROOT, "fanout %s (%s) trials (N:result(delivered, p99 lag)):%s",
        kind.label, pin.label(), trail));
    return pass;
  }

  /** The trails of every search so far, for the notes. */
  List<String> trails() {
    return trails;
  }

  /** The raw server at {@code n} nodes: shows that the generator is not what limits the servers. */
  String generatorCheck(int n) throws Exception {
    Map<String, String> r = trial(ServerKind.RAW, n);
    return String.format(Locale.ROOT,
        "generator (%s): fanout against the raw server at N=%d (%,.0f deliveries/s): %s, %.2f%% delivered, p99 lag %.0f ms",
        pin.label(), n, n * (n - 1) / 5.0, passed(r) ? "passed" : "FAILED", 100 * d(r, "delivered") / d(r, "expected"),
        d(r, "p99Millis"));
  }

  private Map<String, String> trial(ServerKind kind, int n) throws Exception {
    return Child.run(pin, "fanout", kind, "n=" + n, "rounds=" + settings.fanoutRounds());
  }

  private static boolean passed(Map<String, String> r) {
    return d(r, "expected") > 0 && d(r, "delivered") / d(r, "expected") >= 0.99 && d(r, "p99Millis") < 1000
        && d(r, "errors") == 0;
  }
}
