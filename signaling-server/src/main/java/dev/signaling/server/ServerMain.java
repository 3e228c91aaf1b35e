package dev.signaling.server;

import dev.signaling.cluster.redis.RedisCluster;
import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the signaling server from the command line until Ctrl-C or SIGTERM.
 *
 * <pre>
 * java -jar signaling-server.jar --port 3001
 * java -jar signaling-server.jar --cluster redis://10.0.0.5:6379 --metrics-port 9464
 * mvn -q -pl signaling-server -am compile -Pserver -Dexec.args="--port 3002"   # from a checkout
 * </pre>
 *
 * <p>Every setting comes from a flag or an environment variable ({@code --help} lists them all
 * with their defaults): where it listens, every limit and policy, TLS, allowed origins,
 * authentication, cluster mode on Redis and a Prometheus metrics port. Joins and leaves are
 * logged at DEBUG through SLF4J. A bad argument prints one line and exits with status 2; a server
 * that cannot start prints one line and exits with status 1.
 */
public final class ServerMain {

  private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

  private ServerMain() {}

  /**
   * Parses the arguments, starts the server and blocks until the JVM shuts down (Ctrl-C), which
   * closes the server cleanly.
   *
   * @param args {@code [--option value]... [--help]}; {@code --help} lists them
   * @throws InterruptedException if the main thread is interrupted while the server runs
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
      err.println("error: " + e.getMessage()); // one line: the usage would bury it
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
      // Typically a port is taken, the host is not a local address, the keystore does not load
      // or Redis cannot be reached; the message names which.
      err.println("error: " + redacted(oneLine(e.getMessage())));
      return 1;
    }
    awaitShutdown(running, out);
    return 0;
  }

  /**
   * Starts a server as the command line asks (in a cluster, and with its metrics endpoint, if
   * asked), with joins and leaves logged at DEBUG; prints where to reach them.
   *
   * @throws RuntimeException if a port cannot be bound, the TLS keystore cannot be loaded or
   *     Redis cannot be reached; the message says which (never the password)
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
      builder.tls(sslContext(options.tls())); // before Redis: nothing to undo when it fails
    }
    if (options.cluster() != null) {
      Options.Cluster cluster = options.cluster();
      builder.cluster(RedisCluster.builder(cluster.redisUri())
          .keyPrefix(cluster.keyPrefix())
          .failureTimeout(cluster.failureTimeout())
          .connect()); // the server owns it from here, and closes it if it cannot start
    }
    SignalingServer server = builder.start();
    MetricsEndpoint metrics = null;
    try {
      if (options.metricsPort() != Options.NO_METRICS) {
        metrics = MetricsEndpoint.start(server.hub(), new InetSocketAddress(options.host(), options.metricsPort()));
      }
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    // The server's URLs name 127.0.0.1 when it binds all interfaces, so they can be pasted as is.
    out.println("Signaling server listening on " + server.host() + ":" + server.port());
    out.println("  WebSocket: " + server.webSocketUri());
    out.println("  Health:    " + server.healthUri());
    if (metrics != null) {
      out.println("  Metrics:   " + metrics.uri());
    }
    if (options.cluster() != null) {
      out.println("  Cluster:   " + redacted(options.cluster().redisUri()) + " (key prefix "
          + options.cluster().keyPrefix() + ")");
    }
    out.flush();
    return new Running(server, metrics);
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
      throw new IllegalStateException("cannot load the TLS keystore " + keystore.path().toAbsolutePath() + ": "
          + cause(e), e);
    }
  }

  /**
   * What went wrong, in words: a missing file's exception says only its path, which the message
   * already names. Other messages name the cause ("keystore password was incorrect"), never the
   * password.
   */
  static String cause(Exception e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    Throwable inner = e.getCause();
    if (inner != null && inner.getMessage() != null && !message.contains(inner.getMessage())) {
      message += " (" + inner.getMessage() + ")";
    }
    return message;
  }

  /** A Redis URI without its password, to print. */
  static String redacted(String redisUri) {
    return redisUri.replaceFirst("//[^@/]*@", "//***@");
  }

  /** The first line of a message, so that an error stays one line. */
  private static String oneLine(String message) {
    if (message == null) {
      return "the server could not start";
    }
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }

  /**
   * A started server with its metrics endpoint, if asked; closing it stops both.
   *
   * @param server the signaling server
   * @param metrics the Prometheus endpoint, or {@code null}
   */
  record Running(SignalingServer server, MetricsEndpoint metrics) implements AutoCloseable {
    @Override
    public void close() {
      if (metrics != null) {
        metrics.close();
      }
      server.close();
    }
  }

  /**
   * Blocks until the JVM begins to shut down (Ctrl-C, SIGTERM). The hook closes the server itself,
   * because the JVM halts once hooks return: closing there lets clients receive their {@code 1001}
   * before the process ends. "Press Ctrl-C" is printed once the hook is in place, so that whoever
   * waits for that line may stop the server at once.
   */
  private static void awaitShutdown(Running running, PrintStream out) throws InterruptedException {
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
    out.println("Press Ctrl-C to stop.");
    out.flush();
    closed.await();
  }
}
