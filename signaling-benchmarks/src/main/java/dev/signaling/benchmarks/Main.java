package dev.signaling.benchmarks;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code benchmarks.jar}.
 *
 * <pre>
 * java -jar benchmarks.jar compare [--quick] [--no-jmh]   the whole comparison, as a table
 * java -jar benchmarks.jar run WORKLOAD KIND [ARG]        one workload against one server
 * java -jar benchmarks.jar jmh [JMH options]              the JMH micro-benchmarks
 * java -jar benchmarks.jar server KIND                    a server under test (started by the others)
 * </pre>
 *
 * KIND is {@code ours}, {@code ceiling}, {@code ceiling-full} or {@code raw}; WORKLOAD is {@code
 * relay}, {@code latency} (ARG: rate), {@code fanout} (ARG: nodes), {@code joinstorm} (ARG:
 * nodes) or {@code capacity} (ARG: nodes).
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
      case "server" -> ServerProcess.run(rest[0]);
      default -> {
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.out.println("""
        usage: java -jar benchmarks.jar compare [--quick] [--no-jmh]
               java -jar benchmarks.jar run relay|latency|fanout|joinstorm|capacity ours|ceiling|ceiling-full|raw [ARG]
               java -jar benchmarks.jar jmh [JMH options]
        See docs/performance.md.""");
  }

  private static void runOne(String[] args) throws Exception {
    String workload = args[0];
    ServerKind kind = ServerKind.of(args[1]);
    int arg = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    boolean storm = workload.equals("joinstorm") || workload.equals("capacity");
    try (Target target = Target.spawn(kind, storm ? StormWorkload.SERVER_OPTIONS : List.of())) {
      Object result = switch (workload) {
        case "relay" -> RelayWorkload.run(target, 3_000, 8_000);
        case "latency" -> LatencyWorkload.run(target, arg > 0 ? arg : 10_000, 3_000, 10_000);
        case "fanout" -> FanoutWorkload.run(target, arg > 0 ? arg : 1_000, 2);
        case "joinstorm" -> StormWorkload.joinStorm(target, arg > 0 ? arg : 500, 120);
        case "capacity" -> StormWorkload.capacity(target, arg > 0 ? arg : 5_000);
        default -> throw new IllegalArgumentException("unknown workload: " + workload);
      };
      System.out.println(kind.label + " " + result);
    }
  }
}
