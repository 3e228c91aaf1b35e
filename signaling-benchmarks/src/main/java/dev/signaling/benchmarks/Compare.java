package dev.signaling.benchmarks;

import static dev.signaling.benchmarks.Child.d;
import static dev.signaling.benchmarks.Report.median;

import dev.signaling.benchmarks.Report.Better;
import dev.signaling.benchmarks.Report.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * {@code compare}: every workload against every contender (our transports) and the ceiling, in
 * one run, with the server pinned to 1 core and to 2 cores; each server in a fresh JVM of its own
 * per measurement, the servers' order rotated round by round so that all see the same machine.
 * Then a table of each contender's figure, the ceiling's, their ratio and the issues' goals, the
 * scaling with cores, and a chart ({@link Chart}).
 */
final class Compare {

  /** One part of the comparison, run once per pinning. */
  private interface Step {
    void run(Pinning pinning) throws Exception;
  }

  private final CompareSettings settings;
  private final PrintStream out;
  private final List<ServerKind> contenders = ServerKind.contenders();
  private final Report report = new Report(contenders);
  private final List<Pinning> pinnings = new ArrayList<>();

  private Compare(CompareSettings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  static int run(String[] args, PrintStream out) throws Exception {
    CompareSettings settings = CompareSettings.of(Arrays.asList(args));
    Compare compare = new Compare(settings, out);
    long start = System.nanoTime();
    compare.machine();
    // Workload by workload, each at every pinning, so that scaling compares like with like.
    for (Step step : List.<Step>of(compare::joinStorms, compare::connect, compare::relay, compare::latency,
        compare::fanout)) {
      for (Pinning pinning : compare.pinnings) {
        step.run(pinning);
      }
    }
    compare.capacity(compare.pinnings.get(compare.pinnings.size() - 1));
    compare.report.print(out);
    compare.chart();
    if (settings.jmh()) {
      MicroBenchmarks.run(out);
    }
    out.printf(Locale.ROOT, "%nTotal time: %.1f min%n", (System.nanoTime() - start) / 60e9);
    return 0;
  }

  private void machine() throws IOException {
    String cpu = "unknown";
    Path cpuinfo = Path.of("/proc/cpuinfo");
    if (Files.isReadable(cpuinfo)) {
      cpu = Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
    }
    out.printf("signaling benchmarks: compare%s, %s%n", settings.quick() ? " --quick" : "",
        Instant.now().truncatedTo(ChronoUnit.SECONDS));
    out.printf("machine: %d cores (%s), JDK %s (%s), load average at start %.2f, file descriptors %s%n",
        Runtime.getRuntime().availableProcessors(), cpu, System.getProperty("java.version"),
        System.getProperty("java.vm.name"), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os
            ? Long.toString(os.getMaxFileDescriptorCount()) : "unknown");
    out.printf("servers: each in its own JVM (-Xms%1$s -Xmx%1$s, G1), loopback; generator: one thread, a JVM of its own per measurement%n",
        Target.SERVER_HEAP);
    out.printf("contenders: %s; the ceiling: Java-WebSocket %s%n",
        String.join(", ", contenders.stream().map(k -> k.title).toList()), "1.6.0");
    List<Integer> allowed = Pinning.allowedCpus();
    boolean taskset = Pinning.tasksetAvailable();
    for (int cores : settings.cores()) {
      if (!taskset) {
        report.note("taskset not found: servers not pinned, %d-core figures not measured", cores);
        continue;
      }
      Pinning.of(cores, allowed).ifPresentOrElse(pinnings::add,
          () -> report.note("%d-core figures not measured: this JVM may use CPUs %s only", cores, allowed));
    }
    if (pinnings.isEmpty()) {
      pinnings.add(Pinning.NONE);
    }
    for (Pinning pinning : pinnings) {
      out.println("pinning: " + pinning.describe());
    }
    out.println();
  }

  private void joinStorms(Pinning pin) throws Exception {
    List<ServerKind> kinds = kinds(ServerKind.CEILING_FULL);
    Map<ServerKind, double[]> millis = perKind(kinds);
    Map<ServerKind, Double> live = new LinkedHashMap<>();
    for (int round = 0; round < settings.rounds(); round++) {
      for (ServerKind kind : rotate(kinds, round)) {
        Map<String, String> r = Child.run(pin, "joinstorm", kind, "n=500", "timeout=120");
        boolean complete = d(r, "settled") == 500;
        check(kind, pin, "joinstorm 500", (long) (d(r, "closed") + 500 - d(r, "settled")));
        if (!complete) {
          report.note("%s joinstorm 500 (%s) did not complete: %s settled; %s; peak heap used %.0f MB (heap 1 GiB)",
              kind.label, pin.label(), r.get("settled"), r.get("problems"), mb(d(r, "peakHeap.used")));
        }
        // A storm that does not complete (the ceiling can run out of heap) counts as infinitely slow.
        millis.get(kind)[round] = complete ? d(r, "millis") : Double.POSITIVE_INFINITY;
        live.merge(kind, d(r, "peakHeap.live"), Math::max);
      }
      progress(pin, "joinstorm 500 round " + (round + 1) + ": " + summary(kinds, millis, round, "ms"));
    }
    Row time = row("joinstorm 500, ms (ceiling: full lists)", pin, Better.LOWER, true, Report.INTEGER,
        median(millis.get(ServerKind.CEILING_FULL)), millis);
    time.goal(ServerKind.OURS, "<= 0.50x", time.ratio(ServerKind.OURS) <= 0.50);
    Row heap = report.row("joinstorm 500, peak live heap MB", pin, Better.LOWER, false, Report.INTEGER,
        mb(live.get(ServerKind.CEILING_FULL)));
    contenders.forEach(kind -> heap.value(kind, mb(live.get(kind))));
    notePerRound("joinstorm 500 time", pin, millis, ServerKind.CEILING_FULL);
    bigStorm(pin);
  }

  /** The large storm, ours only: no ceiling finishes it. */
  private void bigStorm(Pinning pin) throws Exception {
    int n = settings.bigStorm();
    Row time = report.row("joinstorm " + n + ", s", pin, Better.LOWER, false, Report.TWO_DECIMALS, Double.NaN);
    Row heap = report.row("joinstorm " + n + ", peak heap MB used (heap 1 GiB)", pin, Better.LOWER, false,
        Report.INTEGER, Double.NaN);
    Row closed = report.row("joinstorm " + n + ", clients closed", pin, Better.LOWER, false, Report.INTEGER,
        Double.NaN);
    for (ServerKind kind : contenders) {
      Map<String, String> r = Child.run(pin, "joinstorm", kind, "n=" + n, "timeout=120");
      boolean done = d(r, "settled") == n;
      time.value(kind, done ? d(r, "millis") / 1000 : Double.POSITIVE_INFINITY);
      heap.value(kind, mb(d(r, "peakHeap.used")));
      closed.value(kind, d(r, "closed"));
      report.note("%s joinstorm %d (%s): %s settled, peak live heap %.0f MB, server CPU %.1f s, generator CPU %.1f s; %s",
          kind.label, n, pin.label(), r.get("settled"), mb(d(r, "peakHeap.live")), d(r, "serverCpuSeconds"),
          d(r, "generatorCpuSeconds"), r.get("problems"));
      progress(pin, "joinstorm %d %s: %s s", n, kind.label, time.format(time.value(kind)));
    }
    time.goal(ServerKind.OURS, "<= 60 s", time.value(ServerKind.OURS) <= 60);
    heap.goal(ServerKind.OURS, "<= 1024", heap.value(ServerKind.OURS) <= 1024);
    closed.goal(ServerKind.OURS, "0", closed.value(ServerKind.OURS) == 0);
    for (ServerKind kind : others()) {
      double ratio = time.value(kind) / time.value(ServerKind.OURS);
      time.goal(kind, String.format(Locale.ROOT, "<= 0.50x ours (%.2f)", ratio), ratio <= 0.50);
      heap.goal(kind, "<= 1024", heap.value(kind) <= 1024);
    }
  }

  private void connect(Pinning pin) throws Exception {
    int n = settings.connections();
    List<ServerKind> kinds = kinds(ServerKind.CEILING);
    Map<ServerKind, double[]> open = perKind(kinds);
    Map<ServerKind, double[]> next = perKind(kinds);
    for (int round = 0; round < settings.rounds(); round++) {
      for (ServerKind kind : rotate(kinds, round)) {
        Map<String, String> r = Child.run(pin, "connect", kind, "n=" + n);
        check(kind, pin, "connect", (long) (d(r, "failed") + d(r, "closedByServer")));
        open.get(kind)[round] = d(r, "openMillis") / 1000;
        next.get(kind)[round] = d(r, "acceptAfterDropMillis");
        if (d(r, "probeAttempts") > 1) {
          report.note("%s connect (%s): %s connections to get one upgraded after the drop",
              kind.label, pin.label(), r.get("probeAttempts"));
        }
      }
      progress(pin, "connect round " + (round + 1) + ": open all " + summary(kinds, open, round, "s")
          + "; next accepted " + summary(kinds, next, round, "ms"));
    }
    Row openRow = row("connect " + n + ", open all, s", pin, Better.LOWER, true, Report.TWO_DECIMALS,
        median(open.get(ServerKind.CEILING)), open);
    Row nextRow = row("connect " + n + ", next accepted after drop, ms", pin, Better.LOWER, true, Report.INTEGER,
        median(next.get(ServerKind.CEILING)), next);
    for (ServerKind kind : others()) {
      openRow.goal(kind, "<= 0.25x", openRow.ratio(kind) <= 0.25);
      nextRow.goal(kind, "<= 300 ms", nextRow.value(kind) <= 300);
    }
    notePerRound("connect open-all time", pin, open, ServerKind.CEILING);
    notePerRound("connect next-accepted time", pin, next, ServerKind.CEILING);
    for (ServerKind probe : List.of(ServerKind.CEILING_ACCEPT_ALL, ServerKind.RAW)) {
      Map<String, String> r = Child.run(pin, "connect", probe, "n=" + n);
      report.note("connect %d against %s (%s): open all %.2f s, next accepted %.0f ms after the drop%s",
          n, probe.title, pin.label(), d(r, "openMillis") / 1000, d(r, "acceptAfterDropMillis"),
          probe == ServerKind.RAW ? String.format(Locale.ROOT, ", generator CPU %.1f s: the generator's own limit",
              d(r, "generatorCpuSeconds")) : "");
    }
  }

  private void relay(Pinning pin) throws Exception {
    List<ServerKind> kinds = kinds(ServerKind.CEILING);
    Map<ServerKind, double[]> rate = perKind(kinds);
    Map<ServerKind, double[]> cpu = perKind(kinds);
    double[] generatorCpu = new double[settings.rounds()];
    for (int round = 0; round < settings.rounds(); round++) {
      for (ServerKind kind : rotate(kinds, round)) {
        Map<String, String> r = Child.run(pin, "relay", kind, timing());
        check(kind, pin, "relay", (long) (d(r, "errors") + d(r, "malformed")));
        rate.get(kind)[round] = d(r, "messagesPerSecond");
        cpu.get(kind)[round] = d(r, "serverCpuMicrosPerMessage");
        if (kind == ServerKind.CEILING) {
          generatorCpu[round] = d(r, "generatorCpuMicrosPerMessage");
        }
      }
      progress(pin, "relay round " + (round + 1) + ": " + summary(kinds, rate, round, "msg/s"));
    }
    Row row = row("relay, msg/s", pin, Better.HIGHER, true, Report.INTEGER, median(rate.get(ServerKind.CEILING)), rate);
    row.goal(ServerKind.OURS, ">= 0.90x", row.ratio(ServerKind.OURS) >= 0.90);
    if (pin.cores() >= 2 || !pin.pinned()) {
      Row oneCore = report.find(row.figure, 1);
      for (ServerKind kind : others()) {
        double ratio = row.value(kind) / row.value(ServerKind.OURS);
        row.goal(kind, String.format(Locale.ROOT, ">= 1.0x ours (%.2f)", ratio), ratio >= 1.0);
        if (oneCore != null && pin.cores() == 2) {
          double scaling = row.value(kind) / oneCore.value(kind);
          row.goal(kind, String.format(Locale.ROOT, ">= 1.6x its 1-core rate (%.2f)", scaling), scaling >= 1.6);
        }
      }
    }
    row("relay, server CPU us/msg", pin, Better.LOWER, false, Report.TWO_DECIMALS, median(cpu.get(ServerKind.CEILING)),
        cpu);
    notePerRound("relay rate", pin, rate, ServerKind.CEILING);
    Map<String, String> raw = Child.run(pin, "relay", ServerKind.RAW, timing());
    report.note("generator (%s): drove %,.0f msg/s against the raw server (%.1fx the ceiling's median) "
            + "at %.2f us CPU/msg against the ceiling", pin.label(), d(raw, "messagesPerSecond"),
        d(raw, "messagesPerSecond") / row.ceiling, median(generatorCpu));
  }

  private void latency(Pinning pin) throws Exception {
    List<ServerKind> kinds = kinds(ServerKind.CEILING);
    for (int rate : new int[] {10_000, 30_000}) {
      String[] names = {"p50", "p99", "p999"};
      List<Map<ServerKind, double[]>> values = List.of(perKind(kinds), perKind(kinds), perKind(kinds));
      for (int round = 0; round < settings.rounds(); round++) {
        for (ServerKind kind : rotate(kinds, round)) {
          Map<String, String> r = Child.run(pin, "latency", kind, with(timing(), "n=" + rate));
          check(kind, pin, "latency", (long) (d(r, "errors") + d(r, "sent") - d(r, "received")));
          for (int p = 0; p < names.length; p++) {
            values.get(p).get(kind)[round] = d(r, names[p]);
          }
        }
        progress(pin, "latency %dk/s round %d: p99 %s", rate / 1000, round + 1, summary(kinds, values.get(1), round, "us"));
      }
      String label = "latency " + rate / 1000 + "k/s";
      row(label + ", p50 us", pin, Better.LOWER, false, Report.INTEGER, median(values.get(0).get(ServerKind.CEILING)),
          values.get(0));
      Row p99 = row(label + ", p99 us", pin, Better.LOWER, true, Report.INTEGER,
          median(values.get(1).get(ServerKind.CEILING)), values.get(1));
      p99.goal(ServerKind.OURS, "<= 1.20x", p99.ratio(ServerKind.OURS) <= 1.20);
      for (ServerKind kind : others()) {
        double ratio = p99.value(kind) / p99.value(ServerKind.OURS);
        p99.goal(kind, String.format(Locale.ROOT, "<= 1.0x ours (%.2f)", ratio), ratio <= 1.0);
      }
      row(label + ", p99.9 us", pin, Better.LOWER, false, Report.INTEGER, median(values.get(2).get(ServerKind.CEILING)),
          values.get(2));
      notePerRound(label + " p99", pin, values.get(1), ServerKind.CEILING);
    }
    Map<String, String> raw = Child.run(pin, "latency", ServerKind.RAW, with(timing(), "n=30000"));
    report.note("generator (%s) vs raw server: latency 30k/s p50 %.0f us, p99 %.0f us, p99.9 %.0f us (%s of %s received)",
        pin.label(), d(raw, "p50"), d(raw, "p99"), d(raw, "p999"), raw.get("received"), raw.get("sent"));
  }

  private void fanout(Pinning pin) throws Exception {
    FanoutSearch search = new FanoutSearch(settings, pin);
    Row row = report.row("fanout, largest N (5 s heartbeats)", pin, Better.HIGHER, true, Report.INTEGER,
        search.largest(ServerKind.CEILING));
    for (ServerKind kind : contenders) {
      row.value(kind, search.largest(kind));
    }
    row.goal(ServerKind.OURS, ">= 0.95x", row.ratio(ServerKind.OURS) >= 0.95);
    for (ServerKind kind : others()) {
      double ratio = row.value(kind) / row.value(ServerKind.OURS);
      row.goal(kind, String.format(Locale.ROOT, ">= 1.0x ours (%.2f)", ratio), ratio >= 1.0);
    }
    search.trails().forEach(report.notes::add);
    // The generator must not be what limits ours: the raw server at a quarter more nodes than the best.
    int best = (int) contenders.stream().mapToDouble(row::value).max().orElse(500);
    report.notes.add(search.generatorCheck(Math.max(500, best + best / 4)));
  }

  private void capacity(Pinning pin) throws Exception {
    int n = settings.capacityNodes();
    Map<ServerKind, Double> bytes = new LinkedHashMap<>();
    for (ServerKind kind : kinds(ServerKind.CEILING)) {
      Map<String, String> r = Child.run(pin, "capacity", kind, "n=" + n);
      check(kind, pin, "capacity", (long) (d(r, "closed") + n - d(r, "settled")));
      bytes.put(kind, d(r, "bytesPerConnection"));
    }
    Row row = report.row("capacity " + n + ", heap B per idle registered conn", pin, Better.LOWER, true,
        Report.INTEGER, bytes.get(ServerKind.CEILING));
    contenders.forEach(kind -> row.value(kind, bytes.get(kind)));
    row.goal(ServerKind.OURS, "<= 4096 B", row.value(ServerKind.OURS) <= 4096);
    for (ServerKind kind : others()) {
      row.goal(kind, "<= 3072 B", row.value(kind) <= 3072);
    }
    report.note("capacity is measured once, with the server on %s: it is a heap figure, not a speed",
        pin.describe());
  }

  private void chart() throws IOException {
    Path file = settings.chart();
    String subtitle = String.format(Locale.ROOT, "compare%s, %s; medians of %d round(s); server pinned with taskset",
        settings.quick() ? " --quick" : "", Instant.now().truncatedTo(ChronoUnit.MINUTES), settings.rounds());
    if (Chart.write(report, subtitle, file)) {
      out.println("\nChart: " + file.toAbsolutePath());
    }
  }

  private List<ServerKind> kinds(ServerKind ceiling) {
    List<ServerKind> kinds = new ArrayList<>(contenders);
    kinds.add(0, ceiling);
    return kinds;
  }

  /** The contenders other than the default transport: issue 12's goals compare them with it. */
  private List<ServerKind> others() {
    return contenders.stream().filter(k -> k != ServerKind.OURS).toList();
  }

  private Map<ServerKind, double[]> perKind(List<ServerKind> kinds) {
    Map<ServerKind, double[]> values = new LinkedHashMap<>();
    kinds.forEach(kind -> values.put(kind, new double[settings.rounds()]));
    return values;
  }

  /** Adds a row with the medians of every contender. */
  private Row row(String figure, Pinning pin, Better better, boolean charted, DoubleFunction<String> format,
      double ceiling, Map<ServerKind, double[]> values) {
    Row row = report.row(figure, pin, better, charted, format, ceiling);
    contenders.forEach(kind -> row.value(kind, median(values.get(kind))));
    return row;
  }

  private void notePerRound(String figure, Pinning pin, Map<ServerKind, double[]> values, ServerKind ceiling) {
    for (ServerKind kind : contenders) {
      report.note("%s ratio per round, %s (%s): %s", figure, kind.label, pin.label(),
          Report.ratios(values.get(kind), values.get(ceiling)));
    }
  }

  /** Rotates which server goes first, so that none always runs on a warmer or cooler machine. */
  static List<ServerKind> rotate(List<ServerKind> kinds, int round) {
    List<ServerKind> rotated = new ArrayList<>(kinds);
    Collections.rotate(rotated, -(round % kinds.size()));
    return rotated;
  }

  private String[] timing() {
    return new String[] {"warmup=" + settings.warmupMillis(), "measure=" + settings.measureMillis()};
  }

  private static String[] with(String[] options, String more) {
    String[] all = Arrays.copyOf(options, options.length + 1);
    all[options.length] = more;
    return all;
  }

  private void check(ServerKind kind, Pinning pin, String workload, long problems) {
    if (problems != 0) {
      report.note("%s %s (%s): %d errors, closes or lost messages", kind.label, workload, pin.label(), problems);
    }
  }

  private static String summary(List<ServerKind> kinds, Map<ServerKind, double[]> values, int round, String unit) {
    StringBuilder sb = new StringBuilder();
    for (ServerKind kind : kinds) {
      sb.append(sb.length() == 0 ? "" : ", ").append(kind.label).append(' ')
          .append(String.format(Locale.ROOT, "%,.1f", values.get(kind)[round])).append(' ').append(unit);
    }
    return sb.toString();
  }

  private static void progress(Pinning pin, String format, Object... args) {
    System.err.printf(Locale.ROOT, "  [%s] " + format + "%n", prepend(pin.pinned() ? pin.cores() + "c" : "-", args));
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  /** Whole mebibytes. */
  private static double mb(double bytes) {
    return Math.round(bytes / 1048576.0);
  }
}
