package dev.signaling.cluster.redis;

import dev.signaling.testkit.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} process on a free loopback port, without persistence: for one test
 * class when registered on a static field ({@code @RegisterExtension static final RedisServer
 * redis = new RedisServer();}), for each test when registered on an instance field. Tests can pause it (SIGSTOP), resume it, and restart it on the same port (its
 * data is then lost, as after a crash). If {@code redis-server} is not installed, the tests fail
 * with a message saying how to install it: they never skip.
 */
final class RedisServer implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private Process process;
  private int port;
  private boolean perTest;

  /** The class that started the shared process; its nested classes see the same one. */
  private String owner;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    // JUnit calls this again for each @Nested class of the test class (they inherit the
    // extension): the process started for the outer class serves them all.
    if (owner == null) {
      owner = context.getUniqueId();
      port = freePort();
      start();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getUniqueId().equals(owner)) {
      kill();
      owner = null;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    if (process == null) {
      perTest = true;
      port = freePort();
      start();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (perTest) {
      kill();
    }
  }

  /** Where clients connect, e.g. {@code redis://127.0.0.1:40123}. */
  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Freezes the process (SIGSTOP): connections stay open, nothing is answered. */
  void pause() throws Exception {
    signal("STOP");
  }

  /** Lets a paused process run again (SIGCONT). */
  void resume() throws Exception {
    signal("CONT");
  }

  /** Kills the process (SIGKILL) and starts a new, empty one on the same port. */
  void restart() throws Exception {
    kill();
    start();
  }

  private void start() throws Exception {
    Path logFile = Files.createTempFile("redis-test-", ".log");
    ProcessBuilder builder = new ProcessBuilder("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
        .redirectErrorStream(true)
        .redirectOutput(logFile.toFile());
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new AssertionError("redis-server is not installed (these tests need a real Redis): "
          + "run 'apt-get install -y redis-server' (.ci/run does)", e);
    }
    try {
      Waits.await("redis-server answers PING").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(20))
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError("redis-server exited at start: " + Files.readString(logFile));
            }
            return answersPing();
          });
    } catch (ConditionTimeoutException e) {
      kill();
      throw new AssertionError("redis-server did not answer PING within " + START_TIMEOUT + ": "
          + Files.readString(logFile), e);
    }
  }

  private void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  private void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + name + " failed");
    }
  }

  private boolean answersPing() {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readNBytes(7);
      return new String(reply, StandardCharsets.US_ASCII).equals("+PONG\r\n");
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
