package dev.signaling.testkit.transport.attack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A signaling server in a child JVM of its own, so that an attack can exhaust its heap without
 * touching the test's JVM, and a test can read the heap it uses.
 *
 * <p>The child runs {@code mainClass} (from the test class path) with the {@code settings} a test
 * passes as {@code key=value} arguments (see {@link ServerProcess} for the keys); the main class
 * starts the server on {@code 127.0.0.1}, port 0, prints {@code READY <port>} and answers commands
 * on its standard input, one a line (see {@link ServerProcess}). Its standard error is captured:
 * {@link #stderr()}, {@link #loggedErrors()}.
 *
 * <pre>{@code
 * try (ForkedServer server = ForkedServer.start(JavaWebSocketServerMain.class, "-Xmx128m",
 *     Map.of("pingInterval", "1s"))) {
 *   long baseline = server.heapUsed();
 *   ...
 * }
 * }</pre>
 */
public final class ForkedServer implements AutoCloseable {

  /** How long the child may take to print {@code READY}, and to answer one command. */
  public static final Duration STARTUP = Duration.ofSeconds(30);
  public static final Duration COMMAND = Duration.ofSeconds(15);

  /**
   * What a log line shows of a {@link Error} or an uncaught exception: any class name ending in
   * {@code Error} ({@code OutOfMemoryError}, {@code java.lang.Error}...), or a thread killed by one.
   */
  private static final Pattern ERROR = Pattern.compile(
      "(?<![A-Za-z0-9_$])([A-Za-z0-9_$.]*[A-Z][A-Za-z0-9_$]*)?Error\\b|Exception in thread");

  /**
   * What the server sent and received so far (UTF-8 bytes of messages), and the {@code error}
   * messages it sent, by text.
   */
  public record Metrics(long bytesIn, long bytesOut, Map<String, Long> errors) {

    /** How many {@code error} messages with this text the server sent. */
    public long errors(String error) {
      return errors.getOrDefault(error, 0L);
    }
  }

  private final Process process;
  private final Map<String, String> settings;
  private final int port;
  private final PrintStream commands;
  private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
  private final StringBuffer stderr = new StringBuffer();
  private final Thread errReader;

  private ForkedServer(Process process, Map<String, String> settings) throws IOException {
    this.process = process;
    this.settings = Map.copyOf(settings);
    this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    this.errReader = pump(process.getErrorStream(), "forked-server-stderr", line -> stderr.append(line).append('\n'));
    pump(process.getInputStream(), "forked-server-stdout", answers::add);
    String ready = answer("READY", STARTUP);
    this.port = Integer.parseInt(ready.substring("READY ".length()).trim());
  }

  /**
   * Starts {@code mainClass} in a child JVM with one JVM option (typically the heap, {@code
   * -Xmx128m}) and waits for it to print {@code READY}.
   */
  public static ForkedServer start(Class<?> mainClass, String jvmOption, Map<String, String> settings) {
    return start(mainClass, List.of(jvmOption), settings);
  }

  /** Starts {@code mainClass} in a child JVM with these options and settings. */
  public static ForkedServer start(Class<?> mainClass, List<String> jvmOptions, Map<String, String> settings) {
    Objects.requireNonNull(mainClass, "mainClass");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC"); // one GC thread: light on a shared machine, and a steady heap reading
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath(mainClass));
    command.add(mainClass.getName());
    settings.forEach((key, value) -> command.add(key + "=" + value));
    try {
      return new ForkedServer(new ProcessBuilder(command).start(), settings);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The test JVM's class path and module path, and the directory {@code mainClass} was loaded
   * from (tests of a module run with their classes patched into it, on neither path). The child
   * runs everything on the class path.
   */
  private static String classPath(Class<?> mainClass) {
    Set<String> entries = new LinkedHashSet<>();
    try {
      entries.add(Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
      String value = System.getProperty(property);
      if (value != null && !value.isEmpty()) {
        entries.addAll(List.of(value.split(java.io.File.pathSeparator)));
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  private static Thread pump(InputStream in, String name, java.util.function.Consumer<String> sink) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // the child is gone
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The settings it was started with ({@link ServerProcess}), or {@code null} for one left at its default. */
  public String setting(String key) {
    return settings.get(key);
  }

  /** The server's port on {@code 127.0.0.1}. */
  public int port() {
    return port;
  }

  /** The server's address. */
  public InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** Where WebSocket clients connect. */
  public java.net.URI webSocketUri() {
    return java.net.URI.create("ws://127.0.0.1:" + port + "/");
  }

  /** Bytes of heap in use after a full GC in the child. */
  public long heapUsed() {
    return Long.parseLong(command("heap", "HEAP"));
  }

  /** Connections open in the child's hub. */
  public int connections() {
    return Integer.parseInt(command("connections", "CONNECTIONS"));
  }

  /**
   * Waits (in the child, on its hub's close events) until at most {@code atMost} connections are
   * open, or {@code timeout} passed; returns how many are open.
   */
  public int awaitConnections(int atMost, Duration timeout) {
    return Integer.parseInt(command("await-connections " + atMost + " " + timeout.toMillis(), "CONNECTIONS", timeout));
  }

  /** The hub's count of closed connections by close code. */
  public Map<Integer, Long> closes() {
    Map<Integer, Long> closes = new java.util.TreeMap<>();
    counts(command("closes", "CLOSES")).forEach((code, n) -> closes.put(Integer.parseInt(code), n));
    return closes;
  }

  /** The hub's byte counters and errors sent. */
  public Metrics metrics() {
    String[] parts = command("metrics", "METRICS").split(" ", 3);
    return new Metrics(Long.parseLong(parts[0]), Long.parseLong(parts[1]), counts(parts[2]));
  }

  /** A map as {@link Map#toString()} writes it, of counts whose keys hold no {@code ,} or {@code =}. */
  private static Map<String, Long> counts(String text) {
    Map<String, Long> counts = new java.util.TreeMap<>();
    String inner = text.substring(text.indexOf('{') + 1, text.lastIndexOf('}'));
    for (String entry : inner.split(", ")) {
      int eq = entry.lastIndexOf('=');
      if (eq > 0) {
        counts.put(entry.substring(0, eq), Long.parseLong(entry.substring(eq + 1)));
      }
    }
    return counts;
  }

  /** The child's process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the child still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /** Everything the child wrote to its standard error so far. */
  public String stderr() {
    return stderr.toString();
  }

  /** The lines of {@link #stderr()} that show an {@link Error} or a thread killed by an exception. */
  public List<String> loggedErrors() {
    List<String> lines = new ArrayList<>();
    for (String line : stderr().split("\n")) {
      Matcher m = ERROR.matcher(line);
      if (m.find()) {
        lines.add(line);
      }
    }
    return lines;
  }

  private String command(String command, String answerPrefix) {
    return command(command, answerPrefix, Duration.ZERO);
  }

  private String command(String command, String answerPrefix, Duration takes) {
    commands.println(command);
    String answer = answer(answerPrefix, COMMAND.plus(takes));
    return answer.substring(answerPrefix.length()).trim();
  }

  private String answer(String prefix, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        String line = answers.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          throw new IllegalStateException("no " + prefix + " from the forked server within " + timeout
              + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
              + "; its stderr ends with:\n" + tail(stderr(), 4000));
        }
        if (line.startsWith(prefix)) {
          return line;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The last {@code chars} characters of the child's standard error. */
  public String stderrTail(int chars) {
    return tail(stderr(), chars);
  }

  private static String tail(String text, int chars) {
    return text.length() <= chars ? text : "..." + text.substring(text.length() - chars);
  }

  /**
   * Asks the child to stop its server and exit; kills it if it does not within a few seconds (a
   * server that an attack wedged cannot be asked).
   */
  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        commands.println("quit");
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
      errReader.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
