package dev.signaling.benchmarks;

import java.io.File;
import java.io.PrintStream;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The JMH part of {@code compare}: the core's micro-benchmarks, time and allocation per operation. */
final class MicroBenchmarks {

  private MicroBenchmarks() {}

  static void run(PrintStream out) throws Exception {
    File log = File.createTempFile("signaling-jmh-", ".log");
    log.deleteOnExit();
    out.printf("%nJMH (1 fork, 3 x 1 s warm-up, 5 x 1 s measured, -prof gc; full output in %s)%n", log);
    Options options = new OptionsBuilder()
        .include("dev\\.signaling\\.core\\.internal\\..*Benchmark")
        .addProfiler(GCProfiler.class)
        .forks(1)
        .warmupIterations(3).warmupTime(TimeValue.seconds(1))
        .measurementIterations(5).measurementTime(TimeValue.seconds(1))
        .output(log.getPath())
        .build();
    Collection<RunResult> results = new Runner(options).run();
    String format = "%-40s %14s %12s%n";
    out.printf(format, "benchmark", "time/op", "alloc B/op");
    for (RunResult result : results) {
      Result<?> primary = result.getPrimaryResult();
      Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
      String name = result.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      out.printf(Locale.ROOT, format, name,
          String.format(Locale.ROOT, "%.1f ± %.1f %s", primary.getScore(), primary.getScoreError(), primary.getScoreUnit()),
          alloc == null ? "-" : String.format(Locale.ROOT, "%.0f", alloc.getScore()));
    }
  }
}
