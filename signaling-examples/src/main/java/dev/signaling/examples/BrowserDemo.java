package dev.signaling.examples;

import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * The browser demo: a signaling server and the WebRTC chat page ({@link PageServer}) that uses it,
 * until Ctrl-C.
 *
 * <pre>
 * mvn -q -pl signaling-examples -am compile -Pbrowser-demo
 * mvn -q -pl signaling-examples -am compile -Pbrowser-demo -Dexec.args="--host 0.0.0.0 --web-port 8080"
 * </pre>
 *
 * <p>It lives here, not in the runnable {@code signaling-server} jar: a production server has no
 * business serving a demo page, and the page needs nothing of the server's command line.
 */
public final class BrowserDemo {

  static final String USAGE = String.join(System.lineSeparator(),
      "Usage: BrowserDemo [--host H] [--port N] [--web-port N]",
      "  --host H       interface for both servers; default 127.0.0.1 (0.0.0.0: other machines too)",
      "  --port N       the signaling server's port; default 3001, 0 = any free",
      "  --web-port N   the chat page's HTTP port; default 8080, 0 = any free",
      "");

  private BrowserDemo() {}

  /**
   * Starts both servers and serves until the JVM shuts down.
   *
   * @param args {@code [--host H] [--port N] [--web-port N]}
   * @throws InterruptedException if the main thread is interrupted while serving
   */
  public static void main(String[] args) throws InterruptedException {
    Running running;
    try {
      running = start(args, System.out);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
      return;
    }
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      closed.countDown();
    }, "browser-demo-shutdown"));
    closed.await();
  }

  /**
   * Starts the signaling server and the page, and prints where to open it.
   *
   * @throws IllegalArgumentException for arguments it does not know, or a bad port
   */
  static Running start(String[] args, PrintStream out) {
    String host = "127.0.0.1";
    int port = 3001;
    int webPort = 8080;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--host" -> host = args[i + 1];
        case "--port" -> port = port(args[i], args[i + 1]);
        case "--web-port" -> webPort = port(args[i], args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SignalingServer server = SignalingServer.builder().host(host).port(port).start();
    PageServer page;
    try {
      page = PageServer.start(host, webPort, server.port());
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    out.println("Signaling server: " + server.webSocketUri());
    out.println("Browser demo: " + page.uri() + " (open it in two windows)");
    out.println("Press Ctrl-C to stop.");
    out.flush();
    return new Running(server, page);
  }

  private static int port(String flag, String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new IllegalArgumentException(flag + " must be a port number from 0 to 65535: '" + value + "'");
  }

  /**
   * The two servers of the demo; closing it stops both.
   *
   * @param server the signaling server
   * @param page the chat page's HTTP server
   */
  record Running(SignalingServer server, PageServer page) implements AutoCloseable {
    @Override
    public void close() {
      page.close();
      server.close();
    }
  }
}
