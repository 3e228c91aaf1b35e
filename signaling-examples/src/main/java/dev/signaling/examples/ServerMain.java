package dev.signaling.examples;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the signaling server from the command line until Ctrl-C.
 *
 * <pre>
 * mvn -q -pl signaling-examples -am compile exec:java                          # port 3001
 * mvn -q -pl signaling-examples -am compile exec:java -Dexec.args="--port 3002"
 * </pre>
 *
 * <p>{@code --port N} (or env {@code PORT}) and {@code --host H} (or env {@code HOST}) choose
 * where it listens; {@code --help} prints the usage. Joins and leaves are logged at INFO through
 * SLF4J. A bad argument prints a one-line error and the usage, and exits with status 2.
 */
public final class ServerMain {

  private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

  private ServerMain() {}

  /**
   * Parses the arguments, starts the server and blocks until the JVM shuts down (Ctrl-C), which
   * closes the server cleanly.
   *
   * @param args {@code [--port N] [--host H] [--web-port N] [--help]}
   */
  public static void main(String[] args) throws InterruptedException {
    int status = run(args, System.getenv(), System.out, System.err);
    // Only a failure exits explicitly: on success a normal return lets exec:java end quietly.
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Everything {@link #main} does, without {@code System.exit}, so tests can check the exit
   * status of the paths that do not start a server.
   *
   * @return the process exit status: 0 done, 1 the server could not start, 2 bad arguments
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args, env);
    } catch (Options.UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(Options.USAGE);
      return 2;
    }
    if (options.help()) {
      out.print(Options.USAGE);
      return 0;
    }

    SignalingServer server;
    PageServer page;
    try {
      server = start(options, out);
    } catch (RuntimeException e) {
      // Typically the port is taken or the host is not a local address; the message names both.
      err.println("error: " + e.getMessage());
      return 1;
    }
    try {
      page = startBrowserDemo(options, server, out);
    } catch (RuntimeException e) {
      server.close();
      err.println("error: " + e.getMessage());
      return 1;
    }
    awaitShutdown(server, page);
    return 0;
  }

  /**
   * Starts a server as the command line asks, with joins and leaves logged, and prints where to
   * reach it.
   */
  static SignalingServer start(Options options, PrintStream out) {
    SignalingServer server =
        SignalingServer.builder()
            .host(options.host())
            .port(options.port())
            // The protocol's defaults, spelled out as the place to change a policy or a limit.
            .config(SignalingConfig.defaults())
            .listener(new LoggingListener())
            .start();
    // The server's URLs name 127.0.0.1 when it binds all interfaces, so they can be pasted as is.
    out.println("Signaling server listening on " + server.host() + ":" + server.port());
    out.println("  WebSocket: " + server.webSocketUri());
    out.println("  Health:    " + server.healthUri());
    out.println("Press Ctrl-C to stop.");
    out.flush();
    return server;
  }

  /**
   * With {@code --web-port}, serves the browser demo (a WebRTC chat page) pointed at {@code
   * server}, and prints where to open it; else does nothing and returns {@code null}.
   */
  static PageServer startBrowserDemo(Options options, SignalingServer server, PrintStream out) {
    if (options.webPort() == Options.NO_WEB) {
      return null;
    }
    PageServer page = PageServer.start(options.host(), options.webPort(), server.port());
    out.println("Browser demo: " + page.uri() + " (open it in two windows)");
    out.flush();
    return page;
  }

  /**
   * Blocks until the JVM begins to shut down (Ctrl-C, SIGTERM). The hook closes the servers itself,
   * because the JVM halts once hooks return: closing there lets clients receive their {@code 1001}
   * before the process ends.
   */
  private static void awaitShutdown(SignalingServer server, PageServer page) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutting down");
                  if (page != null) {
                    page.close();
                  }
                  server.close();
                  closed.countDown();
                },
                "signaling-shutdown"));
    closed.await();
  }

  /** Logs membership changes; the hub calls it on transport threads, so it only logs. */
  private static final class LoggingListener implements SignalingListener {
    @Override
    public void nodeJoined(Participant p) {
      log.info("Node joined: {} ({})", p.nodeId(), p.username());
    }

    @Override
    public void nodeLeft(Participant p) {
      log.info("Node left: {} ({})", p.nodeId(), p.username());
    }

    @Override
    public void nodeReplaced(Participant previous, Participant current) {
      log.info("Node moved to a new connection: {} ({})", current.nodeId(), current.username());
    }
  }
}
