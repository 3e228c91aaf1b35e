package dev.signaling.benchmarks;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server under test, as the load generator sees it. */
interface Target extends AutoCloseable {

  ServerKind kind();

  int port();

  /** Heap in use after full collections, in bytes. */
  long liveHeap() throws IOException;

  /** Starts a new peak-heap measurement. */
  void resetPeak() throws IOException;

  /** The most heap in use since {@link #resetPeak()}. */
  Peak peakHeap() throws IOException;

  /**
   * Peak heap figures in bytes: {@code used} as sampled (garbage included), {@code live} the most
   * still in use after a collection (0 if none ran).
   */
  record Peak(long used, long live) {}

  /** What the server counted (ours: closes by code, errors by text), for diagnostics. */
  default String stats() throws IOException {
    return "-";
  }

  /** {@link #stats()}, or why there are none (the server is gone, say), for a result's notes. */
  default String statsOrWhyNot() {
    try {
      return stats();
    } catch (IOException e) {
      return "none: " + e.getMessage();
    }
  }

  /** CPU time the server has used so far, in nanoseconds; -1 if unknown. */
  long cpuNanos();

  @Override
  void close();

  /** Heap of the server JVMs that {@link #spawn} starts. */
  String SERVER_HEAP = "1g";

  /**
   * Starts {@code kind} in a JVM of its own with a fixed 1 GiB heap ({@code -Xms1g -Xmx1g},
   * G1), from the same class path as this one, on the CPUs that the system property {@value
   * Pinning#SERVER_CPUS} names (if set). Its log (stderr) goes to a temporary file that is
   * printed if it fails to start.
   */
  static Target spawn(ServerKind kind) throws IOException {
    return spawn(kind, List.of());
  }

  /** {@link #spawn(ServerKind)} with more JVM options for the server. */
  static Target spawn(ServerKind kind, List<String> jvmOptions) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // bench.serverCpus: the CPUs the server runs on (taskset -c), set by compare's pinning.
    List<String> command = new ArrayList<>(Pinning.prefix(System.getProperty(Pinning.SERVER_CPUS)));
    command.addAll(List.of(java,
        "-Xms" + SERVER_HEAP, "-Xmx" + SERVER_HEAP, "-XX:+UseG1GC",
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    command.addAll(jvmOptions);
    String extra = System.getProperty("bench.serverJvmArgs", "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+"))); // e.g. a profiler: -XX:StartFlightRecording=...
    }
    // bench.serverClassPath: run the server from other classes (e.g. before/after a change).
    String classPath = System.getProperty("bench.serverClassPath", System.getProperty("java.class.path"));
    command.addAll(List.of("-cp", classPath, Main.class.getName(), "server", kind.label));
    File log = File.createTempFile("signaling-bench-" + kind.label + "-", ".log");
    log.deleteOnExit();
    Process process = new ProcessBuilder(command).redirectError(log).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String ready = out.readLine();
    while (ready != null && !ready.startsWith("READY ")) {
      ready = out.readLine(); // a profiler's banner, say
    }
    if (ready == null || !ready.startsWith("READY ")) {
      process.destroyForcibly();
      throw new IOException("server " + kind.label + " did not start: " + ready + "\n"
          + Files.readString(log.toPath()));
    }
    int port = Integer.parseInt(ready.substring(6).trim());
    return new Remote(kind, port, process, out,
        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), log.toPath());
  }

  /** Starts {@code kind} in this JVM (smoke tests): heap figures then include the generator's. */
  static Target inProcess(ServerKind kind) throws Exception {
    ServerKind.Running running = kind.start();
    return new Target() {
      private long peak;

      @Override
      public ServerKind kind() {
        return kind;
      }

      @Override
      public int port() {
        return running.port();
      }

      @Override
      public long liveHeap() {
        try {
          return ServerProcess.liveHeap(ManagementFactory.getMemoryMXBean());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return -1;
        }
      }

      @Override
      public void resetPeak() {
        peak = 0;
      }

      @Override
      public Peak peakHeap() {
        return new Peak(Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()), 0);
      }

      @Override
      public long cpuNanos() {
        return -1;
      }

      @Override
      public void close() {
        try {
          running.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    };
  }

  /** A server in a child JVM, driven over its standard input and output. */
  final class Remote implements Target {
    private final ServerKind kind;
    private final int port;
    private final Process process;
    private final BufferedReader out;
    private final Writer in;
    private final Path log;

    Remote(ServerKind kind, int port, Process process, BufferedReader out, Writer in, Path log) {
      this.kind = kind;
      this.port = port;
      this.process = process;
      this.out = out;
      this.in = in;
      this.log = log;
    }

    @Override
    public ServerKind kind() {
      return kind;
    }

    @Override
    public int port() {
      return port;
    }

    private String ask(String command, String prefix) throws IOException {
      String line;
      try {
        in.write(command + "\n");
        in.flush();
        line = out.readLine();
      } catch (IOException e) {
        line = null; // its end of the pipe is closed: it exited
      }
      if (line == null) {
        throw new IOException("server " + kind.label + " exited before answering " + command + "; its log ends: "
            + logTail());
      }
      if (!line.startsWith(prefix)) {
        throw new IOException("server " + kind.label + " answered '" + line + "' to " + command);
      }
      return line.substring(prefix.length()).trim();
    }

    private String logTail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
      } catch (IOException | RuntimeException e) {
        return "(unreadable: " + e + ")";
      }
    }

    @Override
    public long liveHeap() throws IOException {
      return Long.parseLong(ask("gc", "HEAP "));
    }

    @Override
    public void resetPeak() throws IOException {
      ask("peak-reset", "OK");
    }

    @Override
    public String stats() throws IOException {
      return ask("stats", "STATS ");
    }

    @Override
    public Peak peakHeap() throws IOException {
      String[] values = ask("peak", "PEAK ").split(" ");
      return new Peak(Long.parseLong(values[0]), Long.parseLong(values[1]));
    }

    @Override
    public long cpuNanos() {
      return process.toHandle().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
    }

    /** The server process's id (after {@code taskset}, which runs the JVM in its own process). */
    long pid() {
      return process.pid();
    }

    @Override
    public void close() {
      try {
        in.write("quit\n");
        in.flush();
      } catch (IOException ignored) {
        // already gone
      }
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
