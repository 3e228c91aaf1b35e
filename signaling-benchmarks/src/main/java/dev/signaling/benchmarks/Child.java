package dev.signaling.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One measurement with its generator in a JVM of its own ({@code Main run}), as the server
 * already is: measured after the other workloads in one generator JVM, the same join storm took 3
 * to 5 times the CPU on both sides. The generator JVM runs on the pinning's generator CPUs and
 * tells the server JVM it starts which CPUs are its own.
 */
final class Child {

  private Child() {}

  /** Runs {@code workload} against {@code kind} and returns its {@link Results} line, parsed. */
  static Map<String, String> run(Pinning pinning, String workload, ServerKind kind, String... options)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(Pinning.prefix(pinning.generatorCpus()));
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // Explicit: a JVM on one CPU would otherwise pick the serial collector.
        "-XX:+UseG1GC",
        "-cp", System.getProperty("java.class.path")));
    for (String property : List.of("bench.serverJvmArgs", "bench.serverClassPath")) {
      if (System.getProperty(property) != null) {
        command.add("-D" + property + "=" + System.getProperty(property));
      }
    }
    if (pinning.pinned()) {
      command.add("-D" + Pinning.SERVER_CPUS + "=" + pinning.serverCpus());
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

  /** A number from a result line. */
  static double d(Map<String, String> result, String name) {
    return Double.parseDouble(result.get(name));
  }
}
