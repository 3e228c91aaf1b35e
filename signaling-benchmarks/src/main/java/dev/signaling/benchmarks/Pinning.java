package dev.signaling.benchmarks;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which CPUs a measurement's server and generator run on ({@code taskset -c}). The server gets
 * the first {@code cores} CPUs this JVM may use; the generator gets the others, or, when none are
 * left (2 cores asked for on a 2-core machine), the same CPUs as the server: it then competes
 * with the server, which {@link #shared()} says and the report notes.
 *
 * @param cores how many CPUs the server gets; 0 when not pinned
 * @param serverCpus the server's CPU list for {@code taskset -c}, empty when not pinned
 * @param generatorCpus the generator's, empty when not pinned
 */
record Pinning(int cores, String serverCpus, String generatorCpus) {

  /** System property naming the CPUs {@link Target#spawn} pins the server JVM to. */
  static final String SERVER_CPUS = "bench.serverCpus";

  /** No pinning: both JVMs run wherever the scheduler puts them. */
  static final Pinning NONE = new Pinning(0, "", "");

  /** The pinning for a server of {@code cores} CPUs; empty when this JVM may use fewer. */
  static Optional<Pinning> of(int cores, List<Integer> allowed) {
    if (cores < 1 || cores > allowed.size()) {
      return Optional.empty();
    }
    List<Integer> server = allowed.subList(0, cores);
    List<Integer> rest = allowed.subList(cores, allowed.size());
    return Optional.of(new Pinning(cores, format(server), format(rest.isEmpty() ? allowed : rest)));
  }

  boolean pinned() {
    return cores > 0;
  }

  /** Whether the generator runs on the server's CPUs too. */
  boolean shared() {
    return pinned() && serverCpus.equals(generatorCpus);
  }

  /** {@code taskset -c CPUS} to put before a command, or nothing. */
  static List<String> prefix(String cpus) {
    return cpus == null || cpus.isEmpty() ? List.of() : List.of("taskset", "-c", cpus);
  }

  /** {@code 1 core}, {@code 2 cores}, or {@code not pinned}: for notes. */
  String label() {
    return !pinned() ? "not pinned" : cores + (cores == 1 ? " core" : " cores");
  }

  String describe() {
    if (!pinned()) {
      return "not pinned";
    }
    return label() + " (server on CPU " + serverCpus + ", generator on "
        + generatorCpus + (shared() ? ", shared" : "") + ")";
  }

  /** The CPUs this JVM may run on ({@code Cpus_allowed_list}), else 0 to the processor count − 1. */
  static List<Integer> allowedCpus() {
    Path status = Path.of("/proc/self/status");
    try {
      if (Files.isReadable(status)) {
        for (String line : Files.readAllLines(status)) {
          if (line.startsWith("Cpus_allowed_list:")) {
            return parse(line.substring(line.indexOf(':') + 1).trim());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the processor count
    }
    List<Integer> all = new ArrayList<>();
    for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
      all.add(i);
    }
    return all;
  }

  /** Parses a CPU list such as {@code 0-3,6}. */
  static List<Integer> parse(String list) {
    List<Integer> cpus = new ArrayList<>();
    for (String part : list.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      int dash = p.indexOf('-');
      int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
      int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
      for (int cpu = from; cpu <= to; cpu++) {
        cpus.add(cpu);
      }
    }
    return cpus;
  }

  /** The CPU list for {@code taskset -c}, one number each (never empty). */
  static String format(List<Integer> cpus) {
    return cpus.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  /** Whether {@code taskset} is on the PATH. */
  static boolean tasksetAvailable() {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "taskset"))) {
        return true;
      }
    }
    return false;
  }
}
