package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.SignalingHub;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The browser demo end to end, in Debian's headless Chromium driven by playwright-core: two
 * pages join, open a WebRTC data channel through the signaling server, chat both ways, leave the
 * server (which is then stopped altogether) and chat again, peer to peer; over each transport.
 *
 * <p>The driver and Chromium run in a network namespace of their own with nothing but {@code lo}
 * ({@code unshare --net}), reaching the servers through Unix sockets: WebRTC then has no address
 * but loopback to use, and Chromium none to phone home from. (The page's own loopback-only
 * candidate filter is not enough on its own: Chromium still pairs its other local addresses with
 * the peer's loopback candidates, as this test saw: {@code fd00::2 -> ::1}.)
 *
 * <p>Needs {@code chromium} (Debian package), the npm packages of {@code src/test/browser},
 * {@code unshare} and {@code ip}; {@code .ci/run} installs them. Without them this test fails
 * and says how to install them. Screenshots and what each page showed land in {@code
 * target/browser-demo/<transport>/}.
 */
class BrowserDemoTest {

  private static final Path DRIVER_DIR = Path.of("src", "test", "browser");
  private static final Path OUTPUT_DIR = Path.of("target", "browser-demo");
  private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
  /** Each browser step (the driver's own limit); generous, for two cores shared with other builds. */
  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(45);
  /** The whole run: Chromium's start, both pages, the chat, the screenshots. */
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(3);

  private static final String INSTALL_HINT = "The browser test needs Debian's Chromium, the driver's npm"
      + " packages, and unshare/ip for a loopback-only network namespace. Install them as .ci/run does:\n"
      + "  apt-get update && apt-get install -y chromium util-linux iproute2\n"
      + "  npm ci --prefix signaling-examples/src/test/browser\n"
      + "(Node.js 18 or newer must be on the PATH; unshare needs root or unprivileged user namespaces.)";

  private final List<String> joined = new CopyOnWriteArrayList<>();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger signalsRelayed = new AtomicInteger();
  private Server server;
  private PageServer page;
  private Path bridgeDir;
  private final List<UnixSocketBridge> bridges = new ArrayList<>();
  private Process driver;

  /** The transports the demo runs over: the same builder calls, two {@code SignalingServer} classes. */
  enum Transport {
    JAVA_WEBSOCKET, NETTY
  }

  /** A started signaling server, whichever its transport. */
  private record Server(int port, SignalingHub hub, AutoCloseable closer) {}

  private void startServers(Transport transport) {
    SignalingListener listener = new SignalingListener() {
      @Override
      public void connectionOpened(ConnectionInfo connection) {
        openConnections.incrementAndGet();
      }

      @Override
      public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
        synchronized (openConnections) {
          openConnections.decrementAndGet();
          openConnections.notifyAll();
        }
      }

      @Override
      public void nodeJoined(Participant participant) {
        joined.add(participant.username());
      }

      @Override
      public void signalRelayed(String from, String to) {
        signalsRelayed.incrementAndGet();
      }
    };
    server = switch (transport) {
      case JAVA_WEBSOCKET -> {
        var s = dev.signaling.transport.javawebsocket.SignalingServer.builder()
            .host("127.0.0.1").port(0).listener(listener).start();
        yield new Server(s.port(), s.hub(), s);
      }
      case NETTY -> {
        var s = dev.signaling.transport.netty.SignalingServer.builder()
            .host("127.0.0.1").port(0).listener(listener).start();
        yield new Server(s.port(), s.hub(), s);
      }
    };
    page = PageServer.start("127.0.0.1", 0, server.port());
  }

  @AfterEach
  void stopEverything() throws Exception {
    if (driver != null && driver.isAlive()) {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly();
    }
    for (UnixSocketBridge bridge : bridges) {
      bridge.close();
    }
    if (bridgeDir != null) {
      Files.deleteIfExists(bridgeDir);
    }
    if (page != null) {
      page.close();
    }
    if (server != null) {
      server.closer().close();
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // a last resort; the run has its own, shorter limits
  void twoBrowsers_chatOverADataChannel_thatOutlivesTheSignalingServer(Transport transport) throws Exception {
    requireBrowserAndDriver();
    startServers(transport);
    Path outputDir = OUTPUT_DIR.resolve(transport.name().toLowerCase(Locale.ROOT));
    Files.createDirectories(outputDir);
    Path stderr = outputDir.resolve("driver-stderr.log");

    // Short paths: a Unix socket's path is limited to about 100 bytes.
    bridgeDir = Files.createTempDirectory("signaling-bridge");
    List<String> bridged = new ArrayList<>();
    for (int port : new int[] {page.port(), server.port()}) {
      UnixSocketBridge bridge = UnixSocketBridge.start(bridgeDir.resolve(port + ".sock"), port);
      bridges.add(bridge);
      bridged.add(port + "=" + bridge.path());
    }

    ProcessBuilder builder = new ProcessBuilder("unshare", "--net", "--map-root-user", "--",
        "sh", "-c", "ip link set lo up && exec node demo-e2e.mjs \"$0\" \"$1\"",
        page.uri().toString(), outputDir.toAbsolutePath().toString())
        .directory(DRIVER_DIR.toFile())
        .redirectError(stderr.toFile());
    builder.environment().put("CHROMIUM", CHROMIUM);
    builder.environment().put("BRIDGE", String.join(",", bridged));
    builder.environment().put("STEP_TIMEOUT_MS", String.valueOf(STEP_TIMEOUT.toMillis()));
    driver = builder.start();
    DriverOutput output = new DriverOutput(driver, stderr);
    long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();

    output.awaitLine("WAIT signaling-closed", deadline);
    // Both pages closed their WebSocket: the server must have no connection left. Then stop the
    // server altogether, so that nothing could relay what the pages send next.
    awaitNoOpenConnection(deadline, output);
    assertThat(server.hub().participants()).as("nobody is registered any more").isEmpty();
    int signalsBefore = signalsRelayed.get();
    server.closer().close();
    output.answer("continue");

    JsonObject result = JsonParser.parseString(
        output.awaitLine("RESULT ", deadline).substring("RESULT ".length())).getAsJsonObject();
    assertThat(driver.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
        .as("the driver exits").isTrue();
    assertThat(driver.exitValue()).as("driver exit status; %s", output.transcript()).isZero();

    assertThat(joined).containsExactlyInAnyOrder("Alice", "Bob");
    assertThat(signalsBefore).as("offer, answer and ICE candidates went through the server").isGreaterThanOrEqualTo(3);
    assertThat(result.getAsJsonArray("errors")).as("errors in the pages").isEmpty();
    assertThat(result.getAsJsonArray("interfaces")).as("the browser's network interfaces")
        .containsExactly(new JsonPrimitive("lo"));

    JsonObject alice = result.getAsJsonObject("alice");
    JsonObject bob = result.getAsJsonObject("bob");
    assertPageShows(alice, "Bob", List.of(
        "mine: Hi Bob! This goes over the data channel.",
        "theirs: Hi Alice, got it.",
        "mine: The signaling server is gone, and we can still talk.",
        "theirs: Peer to peer, as promised."));
    assertPageShows(bob, "Alice", List.of(
        "theirs: Hi Bob! This goes over the data channel.",
        "mine: Hi Alice, got it.",
        "theirs: The signaling server is gone, and we can still talk.",
        "mine: Peer to peer, as promised."));

    Path screenshot = outputDir.resolve("browser-demo.png");
    byte[] png = Files.readAllBytes(screenshot);
    assertThat(png).as("a PNG screenshot of both pages").startsWith(0x89, 'P', 'N', 'G');
    assertThat(png.length).isGreaterThan(20_000);
  }

  /** What one page shows at the end: offline from the server, the peer connected, the chat in order. */
  private static void assertPageShows(JsonObject shown, String peer, List<String> chat) {
    assertThat(shown.getAsJsonObject("status").get("state").getAsString()).isEqualTo("offline");
    assertThat(shown.getAsJsonObject("status").get("text").getAsString())
        .contains("data channels stay open");
    assertThat(shown.get("chatTitle").getAsString()).isEqualTo("Chat with " + peer);

    JsonArray participants = shown.getAsJsonArray("participants");
    assertThat(participants).hasSize(1);
    JsonObject row = participants.get(0).getAsJsonObject();
    assertThat(row.get("username").getAsString()).isEqualTo(peer);
    assertThat(row.get("peerState").getAsString()).as("the peer's data channel").isEqualTo("open");

    List<String> messages = new ArrayList<>();
    for (JsonElement e : shown.getAsJsonArray("messages")) {
      JsonObject message = e.getAsJsonObject();
      String kind = message.get("kind").getAsString();
      if (!kind.equals("system")) {
        messages.add(kind + ": " + message.get("text").getAsString());
      }
    }
    assertThat(messages).containsExactlyElementsOf(chat);

    // The connection really is on loopback: the only candidates the page lets through.
    JsonArray pairs = shown.getAsJsonArray("candidatePairs");
    assertThat(pairs).as("selected candidate pairs").hasSize(1);
    JsonObject pair = pairs.get(0).getAsJsonObject();
    assertThat(pair.get("local").getAsString()).matches("(127\\.\\d+\\.\\d+\\.\\d+|::1):\\d+ .*");
    assertThat(pair.get("remote").getAsString()).matches("(127\\.\\d+\\.\\d+\\.\\d+|::1):\\d+ .*");
    assertThat(shown.get("hint").isJsonNull()).as("no warning on the page: %s", shown.get("hint")).isTrue();
  }

  private void awaitNoOpenConnection(long deadline, DriverOutput output) throws InterruptedException {
    synchronized (openConnections) {
      while (openConnections.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          fail("the server still has " + openConnections.get() + " connections after both pages left; "
              + output.transcript());
        }
        TimeUnit.NANOSECONDS.timedWait(openConnections, Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    }
  }

  /** Fails (never skips) with the way to install what is missing. */
  private static void requireBrowserAndDriver() {
    if (!Files.isExecutable(Path.of(CHROMIUM))) {
      fail("Chromium not found at " + CHROMIUM + ".\n" + INSTALL_HINT);
    }
    for (String tool : List.of("unshare", "ip")) {
      boolean found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator), new String[] {"/usr/sbin", "/sbin"})
          .flatMap(Stream::of)
          .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
      if (!found) {
        fail("`" + tool + "` not found.\n" + INSTALL_HINT);
      }
    }
    if (!Files.isDirectory(DRIVER_DIR.resolve("node_modules").resolve("playwright-core"))) {
      fail("playwright-core is not installed in " + DRIVER_DIR.toAbsolutePath() + ".\n" + INSTALL_HINT);
    }
    try {
      Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      if (!node.waitFor(30, TimeUnit.SECONDS) || node.exitValue() != 0) {
        node.destroyForcibly();
        fail("`node --version` failed.\n" + INSTALL_HINT);
      }
    } catch (IOException e) {
      fail("Node.js is not on the PATH (" + e.getMessage() + ").\n" + INSTALL_HINT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  /** The driver's stdout, line by line, read on a thread of its own; its stdin for answers. */
  private static final class DriverOutput {
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final OutputStream stdin;
    private final Path stderr;

    DriverOutput(Process process, Path stderr) {
      this.stdin = process.getOutputStream();
      this.stderr = stderr;
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            seen.add(line);
            lines.add(line);
          }
        } catch (IOException e) {
          // The process ended; the waiting side reports what it saw.
        }
        lines.add("EOF");
      }, "browser-driver-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    /** The first line that starts with {@code prefix}; fails on ERROR, end of output, or the deadline. */
    String awaitLine(String prefix, long deadline) throws InterruptedException {
      while (true) {
        long left = deadline - System.nanoTime();
        String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
        if (line == null) {
          fail("the browser driver timed out waiting for '" + prefix + "'; " + transcript());
        }
        if (line.startsWith(prefix)) {
          return line;
        }
        if (line.startsWith("ERROR") || line.equals("EOF")) {
          fail("the browser driver failed before '" + prefix + "'; " + transcript());
        }
      }
    }

    void answer(String line) throws IOException {
      stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      stdin.flush();
    }

    String transcript() {
      String err;
      try {
        err = Files.readString(stderr);
        err = err.length() > 4000 ? "…" + err.substring(err.length() - 4000) : err;
      } catch (IOException e) {
        err = "(no stderr: " + e.getMessage() + ")";
      }
      List<String> out = new ArrayList<>();
      for (String line : seen) {
        out.add(line.length() > 2000 ? line.substring(0, 2000) + "…" : line);
      }
      return "driver stdout:\n  " + String.join("\n  ", out) + "\ndriver stderr:\n" + err;
    }
  }
}
