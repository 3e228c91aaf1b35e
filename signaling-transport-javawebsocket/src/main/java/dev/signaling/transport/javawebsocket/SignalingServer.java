package dev.signaling.transport.javawebsocket;

import dev.signaling.core.Participant;
import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingException;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.spi.AllowedOrigins;
import dev.signaling.core.spi.ServerBuilder;
import dev.signaling.core.spi.ServerUris;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running signaling server: the {@link SignalingHub} served over WebSocket by Java-WebSocket,
 * with {@code GET /health} on the same port.
 *
 * <pre>{@code
 * try (SignalingServer server = SignalingServer.start(3001)) {
 *   System.out.println("signaling on " + server.webSocketUri());
 *   ...
 * }
 * }</pre>
 *
 * <p>With {@link Builder#tls(SSLContext)} the same port serves {@code wss://} and {@code
 * https://…/health} instead; with {@link Builder#allowedOrigins(String...)} browsers from other
 * origins are refused.
 *
 * <p>{@link #start(int)} and {@link Builder#start()} return once the port is bound and the server
 * accepts connections; a port already in use fails at once with a {@link SignalingException}.
 * {@link #close()} closes every client with {@code 1001}, stops the threads and frees the port;
 * it is idempotent and returns within a few seconds at most. Thread-safe.
 *
 * <p><b>Limits.</b> Besides the hub's, the server enforces at the socket what {@link
 * SignalingConfig} sets for transports: connections in all and per remote address (upgrades
 * over them get {@code 503} or {@code 429}), the handshake timeout, the message size (a frame
 * or a fragmented message over it closes {@code 1009} before its payload is kept), a
 * server-wide budget for partial messages (a partial message costs what arrived of it; over
 * the budget, the connections holding the most are closed {@code 1009}), and liveness (only a
 * pong that echoes the server's ping counts). Malformed requests and incomplete upgrades get
 * {@code 400}, other WebSocket versions {@code 426}; see {@code docs/protocol.md}.
 *
 * <p><b>Failure.</b> If an {@link Error} (say an {@link OutOfMemoryError}) reaches one of the
 * server's threads, the server does not stay half alive: every client is closed with {@code
 * 1011}, {@link SignalingListener#serverFailed} is called once, {@code /health} answers {@code
 * 503} while the server drains, and the server stops itself and frees its port; {@link #close()}
 * still works and returns once that stop is done. A process that only runs this server should
 * exit on {@code serverFailed}, so that its supervisor restarts it. A {@link RuntimeException}
 * met while handling one connection closes that connection only, with {@code 1011}.
 */
public final class SignalingServer implements RunningServer {

  private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);

  /** Pending TCP connections the kernel may hold: the JDK's default of 50 is too low for join storms. */
  private static final int ACCEPT_BACKLOG = 1024;
  private static final long START_TIMEOUT_MILLIS = 10_000;
  /** How long close() lets clients receive their close frame before their sockets are dropped. */
  private static final int STOP_TIMEOUT_MILLIS = 2_000;

  private final String host;
  private final int port;
  /** The host part of this server's URIs. */
  private final ServerUris uris;
  private final boolean secure;
  private final SignalingHub hub;
  private final ServerSocketChannel channel;
  private final WebSocketEndpoint endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SignalingServer(String host, InetSocketAddress local, boolean secure, SignalingHub hub,
      ServerSocketChannel channel, WebSocketEndpoint endpoint) {
    this.host = host;
    this.port = local.getPort();
    this.secure = secure;
    this.uris = ServerUris.of(local.getAddress(), this.port, this.secure);
    this.hub = hub;
    this.channel = channel;
    this.endpoint = endpoint;
  }

  /**
   * Starts a server on all interfaces ({@code 0.0.0.0}) with the default configuration and no
   * listener.
   *
   * @param port the TCP port, or {@code 0} for an ephemeral one (see {@link #port()})
   * @return the started server
   * @throws SignalingException if the port cannot be bound
   */
  public static SignalingServer start(int port) {
    return builder().port(port).start();
  }

  /**
   * A builder for a server with its own host, port, configuration or listener.
   *
   * @return a builder for a server with its own host, port, configuration or listener
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String host() {
    return host;
  }

  @Override
  public URI webSocketUri() {
    return uris.webSocket();
  }

  @Override
  public URI healthUri() {
    return uris.health();
  }

  @Override
  public boolean isSecure() {
    return secure;
  }

  @Override
  public SignalingHub hub() {
    return hub;
  }

  @Override
  public List<Participant> participants() {
    return hub.participants();
  }

  /**
   * Stops the server: {@code /health} answers {@code 503} from now on, every client is closed with
   * {@code 1001 "server shutting down"}, the threads stop and the port is freed. Idempotent;
   * returns within a bounded time (a few seconds at most, when clients do not read). After a
   * failure (see the class comment) it waits for the server's own stop to end.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      endpoint.shutDown(STOP_TIMEOUT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(channel);
      log.info("Signaling server on {}:{} stopped", host, port);
    }
  }

  @Override
  public String toString() {
    return "SignalingServer[" + webSocketUri() + ']';
  }

  /**
   * The first step of {@link #close()} alone: {@code /health} and new upgrades answer {@code 503}
   * from now on. Lets tests observe that state, which close() passes through in an instant.
   */
  void markShuttingDown() {
    endpoint.markShuttingDown();
  }

  /** The Java-WebSocket server behind this one (for tests of the connections themselves). */
  WebSocketEndpoint endpoint() {
    return endpoint;
  }

  private static void closeQuietly(ServerSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("Closing the server socket failed", e);
    }
  }

  /**
   * Configures and starts a {@link SignalingServer}: host, port, configuration, listener, cluster,
   * TLS and allowed origins ({@link ServerBuilder}). Not thread-safe; reusable.
   */
  public static final class Builder extends ServerBuilder<Builder, SignalingServer> {

    private Builder() {}

    @Override
    public SignalingServer start() {
      Options options = options();
      Cluster cluster = options.cluster();
      SSLContext tls = options.tls();
      String host = options.host();
      ServerSocketChannel channel;
      try {
        channel = bind(host, options.port());
      } catch (SignalingException e) {
        if (cluster != null) {
          cluster.close();
        }
        throw e;
      }
      SignalingHub hub;
      try {
        hub = cluster == null
            ? SignalingHub.create(options.config(), options.listener())
            : SignalingHub.create(options.config(), options.listener(), cluster);
      } catch (RuntimeException e) {
        closeQuietly(channel);
        if (cluster != null) {
          cluster.close();
        }
        throw e;
      }
      WebSocketEndpoint endpoint = null;
      try {
        // Bound here rather than by Java-WebSocket, which reports a bind failure only later and
        // on another thread; it takes the bound channel as it is.
        endpoint = new WebSocketEndpoint(channel, hub, tls, options.allowedOrigins(), STOP_TIMEOUT_MILLIS);
        endpoint.startAndWait(START_TIMEOUT_MILLIS);
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        AllowedOrigins origins = options.allowedOrigins();
        log.info("Signaling server listening on {}:{} ({}; origins: {})", host, local.getPort(),
            tls == null ? "ws" : "wss", origins.allowsAny() ? "any" : origins.origins());
        return new SignalingServer(host, local, tls != null, hub, channel, endpoint);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failedToStart(options, channel, hub, endpoint, e);
      } catch (ExecutionException e) {
        throw failedToStart(options, channel, hub, endpoint, e.getCause());
      } catch (IOException | TimeoutException | RuntimeException e) {
        throw failedToStart(options, channel, hub, endpoint, e);
      }
    }

    private static ServerSocketChannel bind(String host, int port) {
      ServerSocketChannel channel = null;
      try {
        channel = ServerSocketChannel.open();
        // Lets a new server bind at once after close, while old connections linger in TIME_WAIT.
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(new InetSocketAddress(host, port), ACCEPT_BACKLOG);
        return channel;
      } catch (IOException | RuntimeException e) {
        if (channel != null) {
          closeQuietly(channel);
        }
        throw new SignalingException("cannot listen on port " + port + " of " + host + ": " + e.getMessage(), e);
      }
    }

    private static SignalingException failedToStart(Options options, ServerSocketChannel channel, SignalingHub hub,
        WebSocketEndpoint endpoint, Throwable cause) {
      if (endpoint != null) {
        try {
          endpoint.shutDown(STOP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
          cause.addSuppressed(e);
        }
      }
      hub.close();
      closeQuietly(channel);
      return new SignalingException(
          "signaling server on " + options.host() + ":" + options.port() + " did not start", cause);
    }
  }
}
