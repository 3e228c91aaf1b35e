package dev.signaling.server;

import dev.signaling.cluster.redis.RedisCluster;
import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the signaling server from the command line until Ctrl-C or SIGTERM.
 *
 * <pre>
 * java -jar signaling-server.jar --port 3001
 * java -jar signaling-server.jar --transport netty --port 3001
 * java -jar signaling-server.jar --cluster redis://10.0.0.5:6379 --metrics-port 9464
 * mvn -q -pl signaling-server -am compile -Pserver -Dexec.args="--port 3002"   # from a checkout
 * </pre>
 *
 * <p>Every setting comes from a flag or an environment variable ({@code --help} lists them all
 * with their defaults): where it listens, on which transport (Java-WebSocket by default, or
 * Netty), every limit and policy, TLS, allowed origins, authentication, cluster mode on Redis and
 * a Prometheus metrics port. Joins and leaves are logged at DEBUG through SLF4J. A bad argument
 * prints one line and exits with status 2; a server that cannot start prints one line and exits
 * with status 1; a server that failed while running (an {@link Error} such as an {@link
 * OutOfMemoryError} reached one of its threads: it closed every client with {@code 1011} and
 * stopped) exits with status {@value #FAILED}, so that a supervisor restarts it.
 */
public final class ServerMain {

  private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

  /** The exit status after the server failed while running. */
  static final int FAILED = 3;

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
   * @return the process exit status: 0 done, 1 the server could not start, 2 bad arguments, 3
   *     the server failed while running
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
    return awaitStop(running, out);
  }

  /**
   * Starts a server as the command line asks (in a cluster, and with its metrics endpoint, if
   * asked), with joins and leaves logged at DEBUG; prints where to reach them.
   *
   * @throws RuntimeException if a port cannot be bound, the TLS keystore cannot be loaded or
   *     Redis cannot be reached; the message says which (never the password)
   */
  static Running start(Options options, PrintStream out) {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    SSLContext tls = options.tls() == null ? null : sslContext(options.tls()); // before Redis: nothing to undo
    RedisCluster cluster = null;
    if (options.cluster() != null) {
      Options.Cluster settings = options.cluster();
      cluster = RedisCluster.builder(settings.redisUri())
          .keyPrefix(settings.keyPrefix())
          .failureTimeout(settings.failureTimeout())
          .connect(); // the server owns it from here, and closes it if it cannot start
    }
    RunningServer server = options.transport().start(options.host(), options.port(), withAuthentication(options),
        options.allowedOrigins(), new LoggingListener(failure), tls, cluster);
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
    out.println("Signaling server listening on " + server.host() + ":" + server.port() + " ("
        + options.transport().flagValue() + ")");
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
    return new Running(server, metrics, failure);
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
   * @param failure completed when the server fails while running
   */
  record Running(RunningServer server, MetricsEndpoint metrics, CompletableFuture<Throwable> failure)
      implements AutoCloseable {
    @Override
    public void close() {
      if (metrics != null) {
        metrics.close();
      }
      server.close();
    }
  }

  /**
   * Blocks until the JVM begins to shut down (Ctrl-C, SIGTERM), or the server fails. The hook
   * closes the server itself, because the JVM halts once hooks return: closing there lets clients
   * receive their {@code 1001} before the process ends. "Press Ctrl-C" is printed once the hook is
   * in place, so that whoever waits for that line may stop the server at once.
   *
   * @return 0 after a shutdown, {@link #FAILED} after a failure (the server is closed then too)
   */
  static int awaitStop(Running running, PrintStream out) throws InterruptedException {
    CompletableFuture<Integer> stopped = new CompletableFuture<>();
    Thread hook = new Thread(
        () -> {
          log.info("Shutting down");
          running.close();
          stopped.complete(0);
        },
        "signaling-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    // Not on the failing thread: that is one of the server's own, which closing waits for.
    running.failure().thenAcceptAsync(cause -> {
      running.close();
      stopped.complete(FAILED);
    }, task -> new Thread(task, "signaling-failed").start());
    out.println("Press Ctrl-C to stop.");
    out.flush();
    try {
      int status = stopped.get();
      if (status == FAILED) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
      return status;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("stopping the server failed", e.getCause());
    }
  }
}
