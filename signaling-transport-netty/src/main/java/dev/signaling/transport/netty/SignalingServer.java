package dev.signaling.transport.netty;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingException;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.spi.AllowedOrigins;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running signaling server: the {@link SignalingHub} served over WebSocket by Netty, with {@code
 * GET /health} on the same port. The same API as the Java-WebSocket transport's server; this one
 * accepts and does I/O on as many event loops as the machine has cores (over Linux's epoll when
 * available, the JDK's NIO otherwise).
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
public final class SignalingServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SignalingServer.class);

  /** How long close() lets clients receive their close frame before their sockets are dropped. */
  private static final long STOP_TIMEOUT_MILLIS = 2_000;

  private final String host;
  private final int port;
  /** The host part of this server's URIs. */
  private final String uriHost;
  private final boolean secure;
  private final SignalingHub hub;
  private final ServerState state;
  private final EventLoops loops;
  private final List<Channel> listeners;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SignalingServer(String host, InetAddress address, int port, SignalingHub hub, ServerState state,
      EventLoops loops, List<Channel> listeners) {
    this.host = host;
    this.port = port;
    this.uriHost = uriHost(address);
    this.secure = state.tls != null;
    this.hub = hub;
    this.state = state;
    this.loops = loops;
    this.listeners = listeners;
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

  /**
   * The port the server listens on.
   *
   * @return the bound port (the real one when the server was started with port {@code 0})
   */
  public int port() {
    return port;
  }

  /**
   * The host the server was bound to.
   *
   * @return the host as given to the builder (default {@code 0.0.0.0})
   */
  public String host() {
    return host;
  }

  /**
   * Where clients connect, e.g. {@code ws://127.0.0.1:3001} ({@code wss://} with TLS); the
   * loopback address when bound to all interfaces.
   *
   * @return where clients connect
   */
  public URI webSocketUri() {
    return uri(secure ? "wss" : "ws", null);
  }

  /**
   * The health endpoint, e.g. {@code http://127.0.0.1:3001/health} ({@code https://} with TLS).
   *
   * @return the health endpoint's URI
   */
  public URI healthUri() {
    return uri(secure ? "https" : "http", HttpAnswers.HEALTH_PATH);
  }

  /**
   * Whether this server speaks TLS ({@code wss://}, {@code https://}).
   *
   * @return {@code true} when the builder was given a TLS context
   */
  public boolean isSecure() {
    return secure;
  }

  /**
   * The hub behind this server, to read its state or close it.
   *
   * @return the hub
   */
  public SignalingHub hub() {
    return hub;
  }

  /**
   * The registered nodes in registration order.
   *
   * @return an immutable snapshot
   */
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
    // listening sockets close under them.
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
    for (Channel listener : listeners) {
      listener.close().awaitUninterruptibly(STOP_TIMEOUT_MILLIS);
    }
    // What was accepted meanwhile is registered now: a loop that stops closes only the channels
    // registered with it, so a registration still queued then would leave its socket open.
    loops.settle(STOP_TIMEOUT_MILLIS);
    closeUnupgraded();
    state.frames.close();
    if (state.tls != null) {
      state.tls.close();
    }
    loops.group().shutdownGracefully(0, STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(2 * STOP_TIMEOUT_MILLIS);
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
    for (EventExecutor loop : loops.group()) {
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

  /** How many listening sockets share the port (for tests). */
  int acceptors() {
    return listeners.size();
  }

  @Override
  public String toString() {
    return "SignalingServer[" + webSocketUri() + ']';
  }

  private static String uriHost(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return "127.0.0.1";
    }
    String literal = address.getHostAddress();
    int scope = literal.indexOf('%'); // an IPv6 scope id has no place in a URI
    return scope < 0 ? literal : literal.substring(0, scope);
  }

  private URI uri(String scheme, String path) {
    try {
      return new URI(scheme, null, uriHost, port, path, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no URI for " + uriHost + ":" + port, e);
    }
  }

  /** Configures and starts a {@link SignalingServer}. Not thread-safe; reusable. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port = 3001;
    private SignalingConfig config = SignalingConfig.defaults();
    private SignalingListener listener = SignalingListener.NONE;
    private Cluster cluster;
    private SSLContext tls;
    private KeyManagerFactory openSslKeys;
    private AllowedOrigins allowedOrigins = AllowedOrigins.ANY;
    private boolean preferEpoll = true;

    private Builder() {}

    /**
     * The address to bind: a host name or IP literal. Default {@code 0.0.0.0} (all interfaces).
     *
     * @param host the host
     * @return this builder
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      this.host = host;
      return this;
    }

    /**
     * The TCP port; {@code 0} picks an ephemeral one. Default {@code 3001}.
     *
     * @param port the port
     * @return this builder
     */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be in 0..65535: " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * The protocol's policies and limits. Default {@link SignalingConfig#defaults()}.
     *
     * @param config the configuration
     * @return this builder
     */
    public Builder config(SignalingConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Callbacks on joins and leaves. Default {@link SignalingListener#NONE}.
     *
     * @param listener the listener to call
     * @return this builder
     */
    public Builder listener(SignalingListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Makes this server one of a cluster that acts as one server (for example {@code
     * RedisCluster.connect("redis://...")} from {@code signaling-cluster-redis}). The server owns
     * it: {@link SignalingServer#close()} leaves the cluster and closes it, and so does a failed
     * {@link #start()}. Default: none, the server runs alone and needs no broker.
     *
     * @param cluster the cluster to join
     * @return this builder
     */
    public Builder cluster(Cluster cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      return this;
    }

    /**
     * Serves TLS on the port: {@code wss://} for WebSocket and {@code https://…/health}, with the
     * certificate and protocols of {@code context} (its default {@code SSLParameters}, through the
     * JDK's provider). Plain {@code ws://} is then not served; a client that does not speak TLS is
     * disconnected. Default: no TLS.
     *
     * @param context an initialized context holding the server's key and certificate, e.g. from
     *     {@code SSLContext.getInstance("TLS")} initialized with a {@code KeyManagerFactory}
     * @return this builder
     * @throws IllegalArgumentException if the context was never initialized
     */
    public Builder tls(SSLContext context) {
      Objects.requireNonNull(context, "context");
      try {
        context.createSSLEngine(); // fails now, not at the first connection, if never initialized
      } catch (IllegalStateException e) {
        throw new IllegalArgumentException("the SSLContext is not initialized: " + e.getMessage(), e);
      }
      this.tls = context;
      this.openSslKeys = null;
      return this;
    }

    /**
     * Serves TLS as {@link #tls(SSLContext)} does (in its place), through OpenSSL: more handshakes
     * per second (see docs/configuration.md). Needs {@code io.netty:netty-tcnative-boringssl-static}
     * (the platform's classifier) on the class path, or {@link #start()} fails. Default: no TLS.
     *
     * @param keys the server's key and certificate chain, e.g. a {@code KeyManagerFactory}
     *     initialized with a PKCS12 keystore
     * @return this builder
     */
    public Builder openSslTls(KeyManagerFactory keys) {
      this.openSslKeys = Objects.requireNonNull(keys, "keys");
      this.tls = null;
      return this;
    }

    /**
     * Browser origins allowed to open a WebSocket, e.g. {@code "https://app.example.com"} (scheme,
     * host and port only; {@code "null"} for opaque origins). An upgrade whose {@code Origin}
     * header is another origin, or that carries more than one, is refused with HTTP {@code 403};
     * an upgrade without {@code Origin} (not a browser: browsers always send it) is allowed.
     * Plain HTTP ({@code /health}) is not affected. Default, or when called with no origins: every
     * origin is allowed, as by the reference server.
     *
     * @param origins the allowed origins
     * @return this builder
     * @throws IllegalArgumentException naming an entry that is not an origin
     */
    public Builder allowedOrigins(String... origins) {
      this.allowedOrigins = AllowedOrigins.of(Arrays.asList(origins));
      return this;
    }

    /** The JDK's NIO even where epoll is available (for tests of the fallback). */
    Builder nio() {
      this.preferEpoll = false;
      return this;
    }

    /**
     * Binds the port and starts serving; returns once connections are accepted (in a cluster:
     * once the server has joined it and read its current membership).
     *
     * @return the started server
     * @throws SignalingException if the port cannot be bound (the message names it), or the
     *     server does not start
     */
    public SignalingServer start() {
      return Listeners.start(host, port, config, listener, cluster, tls, openSslKeys, allowedOrigins, preferEpoll);
    }
  }

  /** Wires a started server together (called by {@link Listeners}). */
  static SignalingServer started(String host, InetAddress address, int port, SignalingHub hub, ServerState state,
      EventLoops loops, List<Channel> listeners) {
    SignalingServer server = new SignalingServer(host, address, port, hub, state, loops, listeners);
    state.onFatal(server::close);
    for (EventExecutor loop : loops.group()) {
      loop.terminationFuture().addListener(done -> {
        if (!server.closed.get()) {
          state.fatal(new IllegalStateException("event loop " + loop + " terminated unexpectedly", done.cause()));
        }
      });
    }
    return server;
  }
}
