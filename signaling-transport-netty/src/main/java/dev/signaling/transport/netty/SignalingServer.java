package dev.signaling.transport.netty;

import dev.signaling.core.Participant;
import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingException;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.spi.ServerBuilder;
import dev.signaling.core.spi.ServerUris;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running signaling server: the {@link SignalingHub} served over WebSocket by Netty, with {@code
 * GET /health} on the same port. The same API as the Java-WebSocket transport's server; this one
 * does I/O on as many event loops as the machine has cores, and accepts on one more (over Linux's
 * epoll when available, the JDK's NIO otherwise).
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
 * it is idempotent and returns within a few seconds at most. If an {@link Error} such as {@code
 * OutOfMemoryError} reaches one of the server's threads, the server closes itself the same way
 * rather than serve on half alive ({@code hub().isClosed()} then tells). Thread-safe.
 */
public final class SignalingServer implements RunningServer {

  private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);

  /** How long close() lets clients receive their close frame before their sockets are dropped. */
  private static final long STOP_TIMEOUT_MILLIS = 2_000;

  private final String host;
  private final int port;
  /** The host part of this server's URIs. */
  private final ServerUris uris;
  private final boolean secure;
  private final SignalingHub hub;
  private final ServerState state;
  private final EventLoops loops;
  private final Channel listener;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SignalingServer(String host, InetAddress address, int port, SignalingHub hub, ServerState state,
      EventLoops loops, Channel listener) {
    this.host = host;
    this.port = port;
    this.secure = state.tls != null;
    this.uris = ServerUris.of(address, port, this.secure);
    this.hub = hub;
    this.state = state;
    this.loops = loops;
    this.listener = listener;
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
   * @return a builder with the defaults
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
   * returns within a bounded time (a few seconds at most, when clients do not read).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (onOwnEventLoop()) {
      // The close waits for the event loops, so it cannot run on one of them.
      Thread closer = new Thread(this::shutDown, "signaling-close-" + port);
      closer.setDaemon(true);
      closer.start();
    } else {
      shutDown();
    }
  }

  private void shutDown() {
    state.markShuttingDown();
    // Connections the kernel completed before now are accepted (first pass) and registered with
    // their loops (second pass), so they get the same close as every other, not a reset when the
    // listening socket closes under them.
    loops.settle(STOP_TIMEOUT_MILLIS);
    loops.settle(STOP_TIMEOUT_MILLIS);
    try {
      hub.close(); // 1001 to every client, behind what is already queued for it
    } catch (RuntimeException e) {
      log.error("Closing the hub failed", e);
    }
    closeUnupgraded();
    state.channels.newCloseFuture().awaitUninterruptibly(STOP_TIMEOUT_MILLIS);
    state.channels.close().awaitUninterruptibly(STOP_TIMEOUT_MILLIS);
    listener.close().awaitUninterruptibly(STOP_TIMEOUT_MILLIS);
    // What was accepted meanwhile is registered now: a loop that stops closes only the channels
    // registered with it, so a registration still queued then would leave its socket open.
    loops.settle(STOP_TIMEOUT_MILLIS);
    closeUnupgraded();
    state.frames.close();
    if (state.tls != null) {
      state.tls.close();
    }
    loops.shutDown(STOP_TIMEOUT_MILLIS, 2 * STOP_TIMEOUT_MILLIS);
    log.info("Signaling server on {}:{} stopped", host, port);
  }

  /** Drops, without an answer, the connections still in their HTTP request or TLS handshake. */
  private void closeUnupgraded() {
    for (Channel channel : state.channels) {
      if (channel.pipeline().get(CoreBridge.class) == null) {
        channel.close();
      }
    }
  }

  private boolean onOwnEventLoop() {
    for (EventExecutor loop : loops.all()) {
      if (loop.inEventLoop()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first step of {@link #close()} alone: {@code /health} and new upgrades answer {@code 503}
   * from now on. Lets tests observe that state, which close() passes through in an instant.
   */
  void markShuttingDown() {
    state.markShuttingDown();
  }

  /** Whether the server is stopping: {@code /health} and new upgrades answer {@code 503}. */
  boolean isShuttingDown() {
    return state.isShuttingDown();
  }

  /** The upgraded connections open now (for tests). */
  List<NettyConnection> openConnections() {
    return state.openConnections();
  }

  /** Whether the event loops are epoll's (for tests of the choice). */
  boolean usesEpoll() {
    return loops.epoll();
  }

  @Override
  public String toString() {
    return "SignalingServer[" + webSocketUri() + ']';
  }

  /**
   * Configures and starts a {@link SignalingServer}: host, port, configuration, listener, cluster,
   * TLS and allowed origins ({@link ServerBuilder}). Not thread-safe; reusable.
   */
  public static final class Builder extends ServerBuilder<Builder, SignalingServer> {
    private KeyManagerFactory openSslKeys;
    private boolean preferEpoll = true;

    private Builder() {}

    /**
     * Serves TLS as {@link #tls(SSLContext)} does (in its place: calling both makes {@link #start()}
     * fail), through OpenSSL: more handshakes per second (see docs/configuration.md). Needs {@code
     * io.netty:netty-tcnative-boringssl-static} (the platform's classifier) on the class path, or
     * {@link #start()} fails. Default: no TLS.
     *
     * @param keys the server's key and certificate chain, e.g. a {@code KeyManagerFactory}
     *     initialized with a PKCS12 keystore
     * @return this builder
     */
    public Builder openSslTls(KeyManagerFactory keys) {
      this.openSslKeys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** The JDK's NIO even where epoll is available (for tests of the fallback). */
    Builder nio() {
      this.preferEpoll = false;
      return this;
    }

    @Override
    public SignalingServer start() {
      Options o = options();
      if (openSslKeys != null && o.tls() != null) {
        throw new IllegalStateException("tls(SSLContext) and openSslTls(KeyManagerFactory) exclude each other");
      }
      return Listeners.start(o.host(), o.port(), o.config(), o.listener(), o.cluster(), o.tls(), openSslKeys,
          o.allowedOrigins(), preferEpoll);
    }
  }

  /** Wires a started server together (called by {@link Listeners}). */
  static SignalingServer started(String host, InetAddress address, int port, SignalingHub hub, ServerState state,
      EventLoops loops, Channel listener) {
    SignalingServer server = new SignalingServer(host, address, port, hub, state, loops, listener);
    state.onFatal(server::close);
    for (EventExecutor loop : loops.all()) {
      loop.terminationFuture().addListener(done -> {
        if (!server.closed.get()) {
          state.fatal(new IllegalStateException("event loop " + loop + " terminated unexpectedly", done.cause()));
        }
      });
    }
    return server;
  }
}
