package dev.signaling.examples;

import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the signaling server from the command line until Ctrl-C.
 *
 * <pre>
 * mvn -q -pl signaling-examples -am compile -Pserver                               # port 3001
 * mvn -q -pl signaling-examples -am compile -Pserver -Dexec.args="--port 3002"
 * </pre>
 *
 * <p>Every setting comes from a flag or an environment variable ({@link Options}; {@code --help}
 * lists them all with their defaults): where it listens, every limit and policy, TLS, allowed
 * origins, authentication and a Prometheus metrics port. Joins and leaves are logged at DEBUG
 * through SLF4J. A bad argument prints a one-line error and the usage, and exits with status 2;
 * a server that cannot start exits with status 1.
 */
public final class ServerMain {

  private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

  private ServerMain() {}

  /**
   * Parses the arguments, starts the server and blocks until the JVM shuts down (Ctrl-C), which
   * closes the server cleanly.
   *
   * @param args {@code [--option value]... [--help]}, see {@link Options#USAGE}
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

    Running running;
    try {
      running = start(options, out);
    } catch (RuntimeException e) {
      // Typically a port is taken, the host is not a local address, or the keystore does not
      // load; the message names which.
      err.println("error: " + e.getMessage());
      return 1;
    }
    awaitShutdown(running);
    return 0;
  }

  /**
   * Starts a server as the command line asks, and its metrics endpoint if asked, with joins and
   * leaves logged at DEBUG; prints where to reach them.
   *
   * @throws RuntimeException if a port cannot be bound or the TLS keystore cannot be loaded; the
   *     message says which (never the password)
   */
  static Running start(Options options, PrintStream out) {
    SignalingServer.Builder builder =
        SignalingServer.builder()
            .host(options.host())
            .port(options.port())
            .config(withAuthentication(options))
            .allowedOrigins(options.allowedOrigins().toArray(String[]::new))
            .listener(new LoggingListener());
    if (options.tls() != null) {
      builder.tls(sslContext(options.tls()));
    }
    SignalingServer server = builder.start();
    PrometheusEndpoint metrics = null;
    PageServer page = null;
    try {
      if (options.metricsPort() != Options.NO_METRICS) {
        metrics = PrometheusEndpoint.start(server.hub(), new InetSocketAddress(options.host(), options.metricsPort()));
      }
      if (options.webPort() != Options.NO_WEB) {
        page = PageServer.start(options.host(), options.webPort(), server.port());
      }
    } catch (RuntimeException e) {
      new Running(server, metrics, page).close();
      throw e;
    }
    // The server's URLs name 127.0.0.1 when it binds all interfaces, so they can be pasted as is.
    out.println("Signaling server listening on " + server.host() + ":" + server.port());
    out.println("  WebSocket: " + server.webSocketUri());
    out.println("  Health:    " + server.healthUri());
    if (metrics != null) {
      out.println("  Metrics:   " + metrics.uri());
    }
    if (page != null) {
      out.println("  Browser demo: " + page.uri() + " (open it in two windows)");
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
    return new Running(server, metrics, page);
  }

  /** The configuration with the authenticator that {@code --auth} names. */
  private static SignalingConfig withAuthentication(Options options) {
    return switch (options.auth()) {
      case NONE -> options.config();
      case ED25519 -> options.config().toBuilder().authenticator(Ed25519Authenticator.create()).build();
    };
  }

  private static SSLContext sslContext(Options.Keystore keystore) {
    try {
      return Keystores.serverContext(keystore.path(), keystore.password().toCharArray(), keystore.type());
    } catch (IOException | GeneralSecurityException e) {
      // The exception's message names the cause ("keystore password was incorrect"), never the password.
      throw new IllegalStateException("cannot load the TLS keystore " + keystore.path() + ": " + e.getMessage(), e);
    }
  }

  /**
   * A started server with its metrics endpoint and browser demo page, if asked; closing it stops them all.
   *
   * @param server the signaling server
   * @param metrics the Prometheus endpoint, or {@code null}
   * @param page the browser demo's page server, or {@code null}
   */
  record Running(SignalingServer server, PrometheusEndpoint metrics, PageServer page) implements AutoCloseable {
    @Override
    public void close() {
      if (page != null) {
        page.close();
      }
      if (metrics != null) {
        metrics.close();
      }
      server.close();
    }
  }

  /**
   * Blocks until the JVM begins to shut down (Ctrl-C, SIGTERM). The hook closes the server itself,
   * because the JVM halts once hooks return: closing there lets clients receive their {@code 1001}
   * before the process ends.
   */
  private static void awaitShutdown(Running running) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Shutting down");
                  running.close();
                  closed.countDown();
                },
                "signaling-shutdown"));
    closed.await();
  }

  /**
   * Logs membership changes at DEBUG: one line per register or close is per-message logging,
   * which stays below INFO. The hub calls it on transport threads, so it only logs. NodeIds and
   * usernames are client text: control characters are escaped, so that no client can forge a line.
   */
  private static final class LoggingListener implements SignalingListener {
    @Override
    public void nodeJoined(Participant p) {
      log.debug("Node joined: {} ({})", printable(p.nodeId()), printable(p.username()));
    }

    @Override
    public void nodeLeft(Participant p) {
      log.debug("Node left: {} ({})", printable(p.nodeId()), printable(p.username()));
    }

    @Override
    public void nodeReplaced(Participant previous, Participant current) {
      log.debug("Node moved to a new connection: {} ({})", printable(current.nodeId()), printable(current.username()));
    }
  }

  /** {@code text} with every control character written as {@code \\uXXXX}. */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
