package dev.signaling.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How long and how often {@code compare} measures: {@code --quick} trades precision for minutes.
 * {@code --cores=1,2} names the server pinnings (default 1 and 2 cores); {@code --chart=FILE} where
 * the chart goes (default {@code docs/performance.png} when run from the repository's root, else
 * {@code performance.png}); {@code --no-jmh} / {@code --jmh} leave out or add the JMH part.
 */
record CompareSettings(boolean quick, int rounds, long warmupMillis, long measureMillis, int fanoutRounds,
    int fanoutSteps, int fanoutStart, int bigStorm, int capacityNodes, int connections, List<Integer> cores,
    Path chart, boolean jmh) {

  static CompareSettings of(List<String> args) {
    boolean quick = args.contains("--quick");
    boolean jmh = args.contains("--jmh") || (!args.contains("--no-jmh") && !quick);
    List<Integer> cores = List.of(1, 2);
    Path chart = Files.isDirectory(Path.of("docs")) ? Path.of("docs", "performance.png") : Path.of("performance.png");
    for (String arg : args) {
      if (arg.startsWith("--cores=")) {
        cores = Pinning.parse(arg.substring("--cores=".length()));
      } else if (arg.startsWith("--chart=")) {
        chart = Path.of(arg.substring("--chart=".length()));
      } else if (!List.of("--quick", "--jmh", "--no-jmh").contains(arg)) {
        throw new IllegalArgumentException("unknown option for compare: " + arg);
      }
    }
    return quick
        ? new CompareSettings(true, 1, 2_000, 4_000, 1, 4, 500, 5_000, 1_000, 9_000, cores, chart, jmh)
        : new CompareSettings(false, 3, 3_000, 8_000, 2, 6, 500, 5_000, 5_000, 9_000, cores, chart, jmh);
  }
}
