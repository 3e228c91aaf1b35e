package dev.signaling.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A process started by a test ({@code java -jar signaling-server.jar ...} or {@code
 * redis-server}), whose output lines the test waits for, each with a timeout. Closing it ends the
 * process (SIGTERM, then SIGKILL).
 *
 * <p>Stderr goes to a file, read once the process has ended: a thread reading a pipe can lose
 * the last lines, because the JDK drains and closes a process's pipes when it exits.
 */
final class JarProcess implements AutoCloseable {

  /** How long a test waits for an expected line: JVMs start slowly on a loaded machine. */
  static final long TIMEOUT_SECONDS = 60;

  private final Process process;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();
  private final Path err;
  private final Thread outReader;

  private JarProcess(ProcessBuilder builder) throws IOException {
    err = Files.createTempFile("jar-process-", ".err");
    err.toFile().deleteOnExit();
    process = builder.redirectError(err.toFile()).start();
    outReader = read(process.getInputStream(), out::add);
  }

  /** {@code java -jar} the server jar that {@code mvn package} built, with these arguments. */
  static JarProcess server(String... args) throws IOException {
    return new JarProcess(new ProcessBuilder(command(args)));
  }

  private static List<String> command(String... args) {
    Path jar = Path.of(System.getProperty("server.jar", "target/signaling-server.jar"));
    assertThat(jar).as("the runnable jar (built by mvn package before the *IT tests)").isRegularFile();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * {@code java -jar} the server jar with arguments that make it end by itself ({@code --help}, a
   * bad flag): waits for the end, with stdout in a file too, so that no line is lost.
   *
   * @return the exit status, stdout's lines and stderr's lines
   */
  static Ended run(String... args) throws IOException, InterruptedException {
    Path stdout = Files.createTempFile("jar-process-", ".out");
    Path stderr = Files.createTempFile("jar-process-", ".err");
    try {
      Process process = new ProcessBuilder(command(args)).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
          .start();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        throw new AssertionError("the jar did not end within " + TIMEOUT_SECONDS + " s");
      }
      return new Ended(process.exitValue(), Files.readAllLines(stdout, StandardCharsets.UTF_8),
          Files.readAllLines(stderr, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(stdout);
      Files.deleteIfExists(stderr);
    }
  }

  /**
   * How a process that ended by itself ended.
   *
   * @param status its exit status
   * @param out what it wrote to stdout
   * @param err what it wrote to stderr
   */
  record Ended(int status, List<String> out, List<String> err) {}

  /**
   * A {@code redis-server} without persistence on this loopback port. If it is not installed the
   * test fails with how to install it: it never skips.
   */
  static JarProcess redis(int port) {
    try {
      JarProcess redis = new JarProcess(new ProcessBuilder("redis-server", "--port", Integer.toString(port),
          "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
      redis.awaitLine("Ready to accept connections");
      return redis;
    } catch (IOException e) {
      throw new AssertionError("redis-server is not installed (the cluster tests need a real Redis): "
          + "run 'apt-get install -y redis-server', or ./test.sh as root, which does", e);
    }
  }

  private static Thread read(InputStream stream, java.util.function.Consumer<String> sink) {
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // The process ended.
      }
    }, "jar-process-out");
    reader.setDaemon(true);
    reader.start();
    return reader;
  }

  /** Waits for an output line that contains {@code text}, and returns it. */
  String awaitLine(String text) {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
    try {
      while (true) {
        String line = out.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new AssertionError("no line with '" + text + "' within " + TIMEOUT_SECONDS + " s; out: " + seen
              + "; err: " + errLines());
        }
        seen.add(line);
        if (line.contains(text)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The URI printed after {@code label}, e.g. {@code "  WebSocket: "}. */
  URI awaitUri(String label) {
    String line = awaitLine(label);
    return URI.create(line.substring(line.indexOf(label) + label.length()).strip());
  }

  /** Waits for the process to end by itself and returns its exit status. */
  int awaitExit() throws InterruptedException {
    assertThat(process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the process ends; err: %s", errLines()).isTrue();
    outReader.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    return process.exitValue();
  }

  /** What the process wrote to stderr so far (all of it once it has ended). */
  List<String> errLines() {
    try {
      return Files.readAllLines(err, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asks the process to stop (SIGTERM, as Ctrl-C or a service manager does) and waits for it. */
  int stop() throws InterruptedException {
    process.destroy();
    return awaitExit();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      }
    }
    try {
      Files.deleteIfExists(err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
