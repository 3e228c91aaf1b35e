package dev.signaling.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code compare}: every workload against our server and the ceiling, in one run, each server
 * in a fresh JVM of its own per measurement, the two alternated round by round so that both see
 * the same machine; then a table of ours, the ceiling, and the ratio, with the targets.
 */
final class Compare {

  /** How long and how often: {@code --quick} trades precision for a few minutes. */
  private record Settings(boolean quick, int rounds, long warmupMillis, long measureMillis, int fanoutRounds,
      int fanoutSteps, int fanoutStart, int bigStorm, int capacityNodes, boolean jmh) {

    static Settings of(List<String> args) {
      boolean quick = args.contains("--quick");
      boolean jmh = !args.contains("--no-jmh") && !quick;
      return quick
          ? new Settings(true, 1, 2_000, 4_000, 1, 4, 500, 5_000, 1_000, jmh || args.contains("--jmh"))
          : new Settings(false, 3, 3_000, 8_000, 2, 6, 500, 5_000, 5_000, jmh);
    }
  }

  /** One part of the comparison. */
  private interface Step {
    void run() throws Exception;
  }

  private final Settings settings;
  private final PrintStream out;
  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private Compare(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  static int run(String[] args, PrintStream out) throws Exception {
    Settings settings = Settings.of(Arrays.asList(args));
    Compare compare = new Compare(settings, out);
    long start = System.nanoTime();
    compare.machine();
    for (Step step : List.<Step>of(compare::joinStorms, compare::capacity, compare::generator, compare::relay,
        compare::latency, compare::fanout)) {
      step.run();
    }
    compare.table();
    if (settings.jmh) {
      compare.jmh();
    }
    out.printf(Locale.ROOT, "%nTotal time: %.1f min%n", (System.nanoTime() - start) / 60e9);
    return 0;
  }

  // ------------------------------------------------------------------ workloads

  private void machine() throws IOException {
    String cpu = "unknown";
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
    }
    out.printf("signaling benchmarks: compare%s, %s%n", settings.quick ? " --quick" : "",
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
    out.printf("machine: %d cores (%s), JDK %s (%s), load average at start %.2f%n",
        Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"),
        System.getProperty("java.vm.name"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    out.printf("servers: each in its own JVM (-Xms%1$s -Xmx%1$s, G1), loopback; generator: one thread, a JVM of its own per measurement%n%n",
        Target.SERVER_HEAP);
  }

  /** The generator against the do-nothing server: what it can drive when the server costs ~nothing. */
  private void generator() throws Exception {
    Map<String, String> r = child("relay", ServerKind.RAW, timing());
    out.printf(Locale.ROOT, "generator vs raw server: relay %,.0f msg/s, generator CPU %.2f us/msg, raw server CPU %.2f us/msg%n",
        d(r, "messagesPerSecond"), d(r, "generatorCpuMicrosPerMessage"), d(r, "serverCpuMicrosPerMessage"));
    generatorRelay = d(r, "messagesPerSecond");
    Map<String, String> l = child("latency", ServerKind.RAW, with(timing(), "n=30000"));
    out.printf(Locale.ROOT, "generator vs raw server: latency 30k/s p50 %.0f us, p99 %.0f us, p99.9 %.0f us (%s of %s received)%n",
        d(l, "p50"), d(l, "p99"), d(l, "p999"), l.get("received"), l.get("sent"));
  }

  private double generatorRelay;

  private void relay() throws Exception {
    double[] ours = new double[settings.rounds];
    double[] ceiling = new double[settings.rounds];
    double[] oursCpu = new double[settings.rounds];
    double[] ceilingCpu = new double[settings.rounds];
    double[] generatorCpu = new double[settings.rounds];
    for (int round = 0; round < settings.rounds; round++) {
      for (ServerKind kind : order(round, ServerKind.OURS, ServerKind.CEILING)) {
        Map<String, String> r = child("relay", kind, timing());
        check(kind, "relay", (long) (d(r, "errors") + d(r, "malformed")));
        if (kind == ServerKind.OURS) {
          ours[round] = d(r, "messagesPerSecond");
          oursCpu[round] = d(r, "serverCpuMicrosPerMessage");
        } else {
          ceiling[round] = d(r, "messagesPerSecond");
          ceilingCpu[round] = d(r, "serverCpuMicrosPerMessage");
          generatorCpu[round] = d(r, "generatorCpuMicrosPerMessage");
        }
      }
      progress("relay round " + (round + 1) + ": ours %,.0f, ceiling %,.0f msg/s", ours[round], ceiling[round]);
    }
    double o = median(ours);
    double c = median(ceiling);
    rows.add(new Row("relay, msg/s (median)", fmt(o), fmt(c), o / c, ">= 0.90", o / c >= 0.90));
    rows.add(new Row("relay, server CPU us/msg", fmt2(median(oursCpu)), fmt2(median(ceilingCpu)),
        median(oursCpu) / median(ceilingCpu), "(info)", null));
    notes.add(String.format(Locale.ROOT, "relay ratio per round: %s", ratios(ours, ceiling)));
    notes.add(String.format(Locale.ROOT,
        "generator: drove %,.0f msg/s against the raw server (%.1fx the ceiling's median) at %.2f us CPU/msg against the ceiling",
        generatorRelay, generatorRelay / c, median(generatorCpu)));
  }

  private void latency() throws Exception {
    for (int rate : new int[] {10_000, 30_000}) {
      double[][] ours = new double[3][settings.rounds];
      double[][] ceiling = new double[3][settings.rounds];
      for (int round = 0; round < settings.rounds; round++) {
        for (ServerKind kind : order(round, ServerKind.OURS, ServerKind.CEILING)) {
          Map<String, String> r = child("latency", kind, with(timing(), "n=" + rate));
          check(kind, "latency", (long) (d(r, "errors") + d(r, "sent") - d(r, "received")));
          double[][] into = kind == ServerKind.OURS ? ours : ceiling;
          into[0][round] = d(r, "p50");
          into[1][round] = d(r, "p99");
          into[2][round] = d(r, "p999");
        }
        progress("latency %dk/s round " + (round + 1) + ": p99 ours %.0f us, ceiling %.0f us",
            rate / 1000, ours[1][round], ceiling[1][round]);
      }
      String label = "latency " + rate / 1000 + "k/s";
      double p99 = median(ours[1]) / median(ceiling[1]);
      rows.add(new Row(label + ", p50 us", fmt(median(ours[0])), fmt(median(ceiling[0])),
          median(ours[0]) / median(ceiling[0]), "(info)", null));
      rows.add(new Row(label + ", p99 us", fmt(median(ours[1])), fmt(median(ceiling[1])), p99, "<= 1.20", p99 <= 1.20));
      rows.add(new Row(label + ", p99.9 us", fmt(median(ours[2])), fmt(median(ceiling[2])),
          median(ours[2]) / median(ceiling[2]), "(info)", null));
      notes.add(String.format(Locale.ROOT, "%s p99 ratio per round: %s", label, ratios(ours[1], ceiling[1])));
    }
  }

  private void fanout() throws Exception {
    int ours = fanoutSearch(ServerKind.OURS);
    int ceiling = fanoutSearch(ServerKind.CEILING);
    double ratio = (double) ours / ceiling;
    rows.add(new Row("fanout, largest N (5 s heartbeats)", Integer.toString(ours), Integer.toString(ceiling), ratio,
        ">= 0.95", ratio >= 0.95));
    // The generator must not be what limits ours: the raw server at a quarter more nodes.
    int n = Math.max(500, ours + ours / 4);
    Map<String, String> r = child("fanout", ServerKind.RAW, "n=" + n, "rounds=" + settings.fanoutRounds);
    notes.add(String.format(Locale.ROOT,
        "generator: fanout against the raw server at N=%d (%,.0f deliveries/s): %s, %.2f%% delivered, p99 lag %.0f ms",
        n, n * (n - 1) / 5.0, fanoutPassed(r) ? "passed" : "FAILED", 100 * d(r, "delivered") / d(r, "expected"),
        d(r, "p99Millis")));
  }

  /**
   * The largest N that passes: doubling from the start until a size fails, then bisecting, within
   * a fixed number of trials (so the answer is exact to within the last step).
   */
  private int fanoutSearch(ServerKind kind) throws Exception {
    int pass = 0;
    int fail = Integer.MAX_VALUE;
    int n = settings.fanoutStart;
    StringBuilder trail = new StringBuilder();
    for (int step = 0; step < settings.fanoutSteps; step++) {
      Map<String, String> r = child("fanout", kind, "n=" + n, "rounds=" + settings.fanoutRounds);
      boolean passed = fanoutPassed(r);
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
    progress("fanout %s:%s", kind.label, trail);
    notes.add("fanout " + kind.label + " trials (N:result(delivered, p99 lag)):" + trail);
    return pass;
  }

  private void joinStorms() throws Exception {
    double[] ours = new double[settings.rounds];
    double[] ceiling = new double[settings.rounds];
    long oursLive = 0;
    long ceilingLive = 0;
    for (int round = 0; round < settings.rounds; round++) {
      for (ServerKind kind : order(round, ServerKind.OURS, ServerKind.CEILING_FULL)) {
        Map<String, String> r = child("joinstorm", kind, "n=500", "timeout=120");
        boolean complete = d(r, "settled") == 500;
        check(kind, "joinstorm 500", (long) (d(r, "closed") + 500 - d(r, "settled")));
        if (!complete) {
          notes.add(kind.label + " joinstorm 500 did not complete: " + r.get("settled") + " settled; "
              + r.get("problems") + "; peak heap used " + mb((long) d(r, "peakHeap.used")) + " MB (heap 1 GiB)");
        }
        // A storm that does not complete (the ceiling can run out of heap) counts as infinitely slow.
        double millis = complete ? d(r, "millis") : Double.POSITIVE_INFINITY;
        long live = (long) d(r, "peakHeap.live");
        if (kind == ServerKind.OURS) {
          ours[round] = millis;
          oursLive = Math.max(oursLive, live);
        } else {
          ceiling[round] = millis;
          ceilingLive = Math.max(ceilingLive, live);
        }
      }
      progress("joinstorm 500 round " + (round + 1) + ": ours %.0f ms, ceiling (full lists) %.0f ms",
          ours[round], ceiling[round]);
    }
    double o = median(ours);
    double c = median(ceiling);
    rows.add(new Row("joinstorm 500, ms (vs full lists)", fmt(o), fmt(c), c / o, "speedup >= 2", c / o >= 2));
    rows.add(new Row("joinstorm 500, peak live heap MB", mb(oursLive), mb(ceilingLive),
        (double) oursLive / ceilingLive, "bounded", null));
    notes.add(String.format(Locale.ROOT, "joinstorm 500 speedup per round: %s", ratios(ceiling, ours)));

    int n = settings.bigStorm;
    Map<String, String> r = child("joinstorm", ServerKind.OURS, "n=" + n, "timeout=120");
    boolean done = d(r, "settled") == n;
    long used = (long) d(r, "peakHeap.used");
    int closed = (int) d(r, "closed");
    notes.add(String.format(Locale.ROOT, "joinstorm %d: %s settled, server CPU %.1f s, generator CPU %.1f s; %s",
        n, r.get("settled"), d(r, "serverCpuSeconds"), d(r, "generatorCpuSeconds"), r.get("problems")));
    rows.add(new Row("joinstorm " + n + ", s", done ? fmt2(d(r, "millis") / 1000) : "not done", "-", Double.NaN,
        "<= 60 s", done && d(r, "millis") <= 60_000));
    rows.add(new Row("joinstorm " + n + ", peak heap MB (used / live)",
        mb(used) + " / " + mb((long) d(r, "peakHeap.live")), "-", Double.NaN, "<= 1024, heap 1g",
        done && used <= 1L << 30));
    rows.add(new Row("joinstorm " + n + ", clients closed", Integer.toString(closed), "-", Double.NaN, "0",
        closed == 0));
  }

  private void capacity() throws Exception {
    long[] perConnection = new long[2];
    ServerKind[] kinds = {ServerKind.OURS, ServerKind.CEILING};
    for (int i = 0; i < kinds.length; i++) {
      Map<String, String> r = child("capacity", kinds[i], "n=" + settings.capacityNodes);
      check(kinds[i], "capacity", (long) (d(r, "closed") + settings.capacityNodes - d(r, "settled")));
      perConnection[i] = (long) d(r, "bytesPerConnection");
    }
    rows.add(new Row("capacity, live heap B/idle registered conn (" + settings.capacityNodes + ")",
        Long.toString(perConnection[0]), Long.toString(perConnection[1]),
        (double) perConnection[0] / perConnection[1], "<= 4096 B", perConnection[0] <= 4096));
  }

  // ------------------------------------------------------------------ output

  private record Row(String workload, String ours, String ceiling, double ratio, String target, Boolean met) {}

  private void table() {
    out.println();
    String format = "%-52s %16s %16s %7s  %-16s %s%n";
    out.printf(format, "workload", "ours", "ceiling", "ratio", "target", "met");
    out.println("-".repeat(118));
    for (Row row : rows) {
      out.printf(Locale.ROOT, format, row.workload, row.ours, row.ceiling,
          Double.isNaN(row.ratio) ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio), row.target,
          row.met == null ? "" : row.met ? "yes" : "NO");
    }
    out.println();
    notes.forEach(note -> out.println("* " + note));
  }

  private void jmh() throws Exception {
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

  // ------------------------------------------------------------------ helpers

  /**
   * Runs one measurement with its generator in a JVM of its own ({@code Main run}), as the
   * server already is: measured after the other workloads in one generator JVM, the same join
   * storm took 3 to 5 times the CPU on both sides.
   */
  private Map<String, String> child(String workload, ServerKind kind, String... options)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path")));
    for (String property : List.of("bench.serverJvmArgs", "bench.serverClassPath")) {
      if (System.getProperty(property) != null) {
        command.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    command.addAll(List.of(Main.class.getName(), "run", workload, kind.label));
    command.addAll(Arrays.asList(options));
    Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String result = null;
    List<String> output = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith(Results.PREFIX)) {
          result = line;
        } else {
          output.add(line);
        }
      }
    }
    process.waitFor();
    if (result == null) {
      throw new IOException(workload + " against " + kind.label + " gave no result: " + output);
    }
    return Results.parse(result);
  }

  private String[] timing() {
    return new String[] {"warmup=" + settings.warmupMillis, "measure=" + settings.measureMillis};
  }

  private static String[] with(String[] options, String more) {
    String[] all = Arrays.copyOf(options, options.length + 1);
    all[options.length] = more;
    return all;
  }

  private static double d(Map<String, String> result, String name) {
    return Double.parseDouble(result.get(name));
  }

  private static boolean fanoutPassed(Map<String, String> r) {
    return d(r, "expected") > 0 && d(r, "delivered") / d(r, "expected") >= 0.99 && d(r, "p99Millis") < 1000
        && d(r, "errors") == 0;
  }

  /** Alternates which server goes first, so that neither always runs on a warmer or cooler machine. */
  private static List<ServerKind> order(int round, ServerKind a, ServerKind b) {
    return round % 2 == 0 ? List.of(a, b) : List.of(b, a);
  }

  private void check(ServerKind kind, String workload, long problems) {
    if (problems != 0) {
      notes.add(kind.label + " " + workload + ": " + problems + " errors, closes or lost messages");
    }
  }

  private void progress(String format, Object... args) {
    System.err.printf(Locale.ROOT, "  " + format + "%n", args);
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String ratios(double[] a, double[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", a[i] / b[i]));
    }
    return sb.toString();
  }

  private static String fmt(double v) {
    if (Double.isInfinite(v)) {
      return "failed";
    }
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  private static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.0f", bytes / 1048576.0);
  }
}
