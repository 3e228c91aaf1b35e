package dev.signaling.benchmarks;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code joinstorm}: {@code n} nodes connect and register at once; the figure is the time from
 * the first connect until every node's latest {@code participants} names all {@code n}, with the
 * server's peak heap over that time. A storm under other ids runs first and is closed, so that the
 * server's code is warm: of the same size for our servers (after one of {@code n / 5}, the
 * server's JIT compilers took about a fifth of the machine through a storm of 5,000: perf), a
 * smaller one for the ceilings (a few hundred lines of code; and a full-lists storm costs N³) and
 * before {@code capacity}.
 *
 * <p>{@code capacity} reuses it: after the storm the nodes stay idle, and the server's live heap
 * after full collections, minus the live heap before, divided by {@code n}, is the heap one idle
 * registered connection costs.
 */
final class StormWorkload {

  private StormWorkload() {}

  /** The result of one storm; {@code millis} is NaN if not every node settled before the timeout; {@code openMillis}: until the last upgrade completed. */
  record Result(int n, double millis, double openMillis, int settled, Target.Peak peakHeap, int closed, long bytesPerConnection,
      double serverCpuSeconds, double generatorCpuSeconds, String problems) {}

  /**
   * JVM options for the server of a storm: a fixed 64 MiB young generation, so that collections
   * run during even a short storm and the peak live heap is seen.
   */
  static final List<String> SERVER_OPTIONS = List.of("-Xmn64m");

  static Result joinStorm(Target target, int n, long timeoutSeconds) throws Exception {
    return run(target, n, timeoutSeconds, false);
  }

  static Result capacity(Target target, int n) throws Exception {
    return run(target, n, 120, true);
  }

  private static Result run(Target target, int n, long timeoutSeconds, boolean measureLiveHeap) throws Exception {
    // Capacity measures heap, not speed: a warm-up as large as the storm would grow the server's
    // tables to n before the heap is taken as the baseline, and hide their share.
    boolean full = target.kind().role == ServerKind.Role.CONTENDER && !measureLiveHeap;
    warmUp(target, full ? n : Math.max(50, Math.min(500, n / 5)));
    long before = measureLiveHeap ? target.liveHeap() : 0;
    target.resetPeak();
    try (ClientGroup storm = new ClientGroup("storm", target.port(), n, "n", 5, target.kind().sendsFullLists())) {
      long s0 = target.cpuNanos();
      long g0 = Cpu.selfNanos();
      long t0 = System.nanoTime();
      storm.connectAll();
      boolean done = storm.awaitSettled(timeoutSeconds, TimeUnit.SECONDS);
      double millis = done ? (System.nanoTime() - t0) / 1e6 : Double.NaN;
      double serverCpu = s0 < 0 ? Double.NaN : (target.cpuNanos() - s0) / 1e9;
      double generatorCpu = (Cpu.selfNanos() - g0) / 1e9;
      Target.Peak peak;
      try {
        peak = target.peakHeap();
      } catch (IOException e) {
        peak = new Target.Peak(-1, -1); // the server is gone (out of memory, say): the stats say why
      }
      long perConnection = -1;
      if (measureLiveHeap && done) {
        perConnection = (target.liveHeap() - before) / n;
      }
      String problems = "server " + target.statsOrWhyNot() + "; client close codes " + storm.closeCodes + ", errors " + storm.errors.get()
          + (storm.firstError == null ? "" : " (first: " + storm.firstError + ")");
      double openMillis = (storm.lastOpenNanos - t0) / 1e6;
      return new Result(n, millis, openMillis, storm.settledCount(), peak,
          storm.closedByServer.get() + storm.errors.get(), perConnection, serverCpu, generatorCpu, problems);
    }
  }

  private static void warmUp(Target target, int n) throws Exception {
    boolean fullLists = target.kind().sendsFullLists();
    try (ClientGroup warm = new ClientGroup("warm-up", target.port(), n, "w", 5, fullLists)) {
      warm.connectAll();
      warm.awaitSettled(60, TimeUnit.SECONDS);
    }
    if (target.kind().role != ServerKind.Role.CONTENDER) {
      Thread.sleep(500); // the server notices the closes (a ceiling tells no one of a leave)
      return;
    }
    // Our servers tell every leave: once a lone newcomer's list names only itself, the warm-up's
    // nodes are gone (a storm's worth of leaves takes seconds, which would count in the storm).
    try (ClientGroup probe = new ClientGroup("probe", target.port(), 1, "p", 5, fullLists)) {
      probe.connectAll();
      if (!probe.awaitSettled(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the server still lists warm-up nodes 60 s after they closed");
      }
    }
  }
}
