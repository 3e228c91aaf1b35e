package dev.signaling.benchmarks;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Entry point of {@code benchmarks.jar}.
 *
 * <pre>
 * java -jar benchmarks.jar compare [--quick] [--no-jmh] [--cores=1,2] [--chart=FILE]
 *                                                         the whole comparison: a table and a chart
 * java -jar benchmarks.jar run WORKLOAD KIND [ARG]        one workload against one server
 * java -jar benchmarks.jar jmh [JMH options]              the JMH micro-benchmarks
 * java -jar benchmarks.jar tls [name=value...]           TLS providers: JDK against OpenSSL
 * java -jar benchmarks.jar server KIND                    a server under test (started by the others)
 * </pre>
 *
 * KIND is a {@link ServerKind} label ({@code ours}, {@code ceiling}, {@code ceiling-full}, {@code
 * ceiling-accept-all}, {@code raw}, ...); WORKLOAD is {@code relay}, {@code latency} (ARG: rate),
 * {@code fanout} (ARG: nodes), {@code joinstorm} (ARG: nodes), {@code capacity} (ARG: nodes) or
 * {@code connect} (ARG: connections; {@code window=}upgrades in flight). {@code
 * -Dbench.serverCpus=0} pins the server JVM to CPU 0.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      usage();
      return;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (args[0]) {
      case "compare" -> System.exit(Compare.run(rest, System.out));
      case "run" -> runOne(rest);
      case "jmh" -> org.openjdk.jmh.Main.main(rest);
      case "tls" -> TlsWorkload.run(options(rest, 0), System.out);
      case "server" -> ServerProcess.run(rest[0]);
      default -> {
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.out.println("""
        usage: java -jar benchmarks.jar compare [--quick] [--no-jmh] [--cores=1,2] [--chart=FILE]
               java -jar benchmarks.jar run relay|latency|fanout|joinstorm|capacity|connect KIND [ARG] [name=value...]
                 KIND: %s
               java -jar benchmarks.jar jmh [JMH options]
               java -jar benchmarks.jar tls [rounds=3] [seconds=5] [parallel=16] [connections=4] [window=64] [size=200]
        See docs/performance.md.""".formatted(Arrays.stream(ServerKind.values())
        .map(k -> k.label).collect(Collectors.joining("|"))));
  }

  /**
   * {@code run WORKLOAD KIND [ARG] [name=value...]}: one measurement, the server in a JVM of its
   * own; prints the result, then the same as a {@link Results} line.
   */
  private static void runOne(String[] args) throws Exception {
    String workload = args[0];
    ServerKind kind = ServerKind.of(args[1]);
    Map<String, Long> o = options(args, 2);
    long warmup = o.getOrDefault("warmup", 3_000L);
    long measure = o.getOrDefault("measure", 8_000L);
    boolean storm = workload.equals("joinstorm") || workload.equals("capacity");
    try (Target target = Target.spawn(kind, storm ? StormWorkload.SERVER_OPTIONS : List.of())) {
      Record result = switch (workload) {
        case "relay" -> RelayWorkload.run(target, warmup, measure);
        case "latency" -> LatencyWorkload.run(target, (int) (long) o.getOrDefault("n", 10_000L), warmup, measure);
        case "fanout" -> FanoutWorkload.run(target, (int) (long) o.getOrDefault("n", 1_000L),
            (int) (long) o.getOrDefault("rounds", 2L));
        case "joinstorm" -> StormWorkload.joinStorm(target, (int) (long) o.getOrDefault("n", 500L),
            o.getOrDefault("timeout", 120L));
        case "capacity" -> StormWorkload.capacity(target, (int) (long) o.getOrDefault("n", 5_000L));
        case "connect" -> ConnectWorkload.run(target, (int) (long) o.getOrDefault("n", 9_000L),
            (int) (long) o.getOrDefault("window", (long) ConnectWorkload.WINDOW), o.getOrDefault("timeout", 120L));
        case "hold" -> hold(target, (int) (long) o.getOrDefault("n", 1_000L)); // diagnostics
        default -> throw new IllegalArgumentException("unknown workload: " + workload);
      };
      System.out.println(kind.label + " " + result);
      System.out.println(Results.line(result));
    }
  }

  /** {@code name=value} options from {@code args[from]} on; a plain number is {@code n} (a rate or a node count). */
  private static Map<String, Long> options(String[] args, int from) {
    Map<String, Long> o = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq < 0) {
        o.put("n", Long.parseLong(args[i]));
      } else {
        o.put(args[i].substring(0, eq), Long.parseLong(args[i].substring(eq + 1)));
      }
    }
    return o;
  }

  private record Held(int nodes) {}

  /** Registers {@code n} idle nodes and keeps them for a minute, e.g. for a heap histogram. */
  private static Held hold(Target target, int n) throws Exception {
    try (ClientGroup group = new ClientGroup("hold", target.port(), n, "n", 5, target.kind().sendsFullLists())) {
      group.connectAll();
      group.awaitSettled(120, java.util.concurrent.TimeUnit.SECONDS);
      System.out.println("holding " + group.settledCount() + " nodes for 60 s; server " + target.stats());
      System.out.flush();
      Thread.sleep(60_000);
      return new Held(group.settledCount());
    }
  }

}
