package dev.signaling.core.spi;

import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import java.util.Arrays;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What every transport's server builder takes, checked once here so that the transports'
 * {@code SignalingServer.Builder}s have the same settings, defaults and errors: host, port,
 * configuration, listener, cluster, TLS and allowed origins. A transport extends it with its
 * {@link #start()}, which reads {@link #options()}.
 *
 * @param <B> the transport's builder, returned by every setter
 * @param <S> the transport's server
 */
public abstract class ServerBuilder<B extends ServerBuilder<B, S>, S extends RunningServer> {

  /**
   * What a server is started with.
   *
   * @param host the address to bind
   * @param port the TCP port, {@code 0} for an ephemeral one
   * @param config the protocol's policies and limits
   * @param listener callbacks on joins and leaves
   * @param cluster the cluster to join, or {@code null} to run alone
   * @param tls the TLS context, or {@code null} for plain {@code ws://}
   * @param allowedOrigins the browser origins allowed to upgrade
   */
  public record Options(String host, int port, SignalingConfig config, SignalingListener listener,
      Cluster cluster, SSLContext tls, AllowedOrigins allowedOrigins) {}

  private String host = "0.0.0.0";
  private int port = 3001;
  private SignalingConfig config = SignalingConfig.defaults();
  private SignalingListener listener = SignalingListener.NONE;
  private Cluster cluster;
  private SSLContext tls;
  private AllowedOrigins allowedOrigins = AllowedOrigins.ANY;

  /** For the transports' builders. */
  protected ServerBuilder() {}

  @SuppressWarnings("unchecked") // B is the transport's own builder, which extends this class
  private B self() {
    return (B) this;
  }

  /**
   * The settings so far, for the transport's {@code start()}.
   *
   * @return the settings
   */
  protected final Options options() {
    return new Options(host, port, config, listener, cluster, tls, allowedOrigins);
  }

  /**
   * The address to bind: a host name or IP literal. Default {@code 0.0.0.0} (all interfaces).
   *
   * @param host the host
   * @return this builder
   */
  public final B host(String host) {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    this.host = host;
    return self();
  }

  /**
   * The TCP port; {@code 0} picks an ephemeral one. Default {@code 3001}.
   *
   * @param port the port
   * @return this builder
   */
  public final B port(int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
    this.port = port;
    return self();
  }

  /**
   * The protocol's policies and limits. Default {@link SignalingConfig#defaults()}.
   *
   * @param config the configuration
   * @return this builder
   */
  public final B config(SignalingConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return self();
  }

  /**
   * Callbacks on joins and leaves. Default {@link SignalingListener#NONE}.
   *
   * @param listener the listener to call
   * @return this builder
   */
  public final B listener(SignalingListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return self();
  }

  /**
   * Makes this server one of a cluster that acts as one server (for example {@code
   * RedisCluster.connect("redis://...")} from {@code signaling-cluster-redis}). The server owns
   * it: closing the server leaves the cluster and closes it, and so does a failed start.
   * Default: none, the server runs alone and needs no broker.
   *
   * @param cluster the cluster to join
   * @return this builder
   */
  public final B cluster(Cluster cluster) {
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    return self();
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
  public final B tls(SSLContext context) {
    Objects.requireNonNull(context, "context");
    try {
      context.createSSLEngine(); // fails now, not at the first connection, if never initialized
    } catch (IllegalStateException e) {
      throw new IllegalArgumentException("the SSLContext is not initialized: " + e.getMessage(), e);
    }
    this.tls = context;
    return self();
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
  public final B allowedOrigins(String... origins) {
    this.allowedOrigins = AllowedOrigins.of(Arrays.asList(origins));
    return self();
  }

  /**
   * Binds the port and starts serving; returns once connections are accepted (in a cluster:
   * once the server has joined it and read its current membership).
   *
   * @return the started server
   * @throws dev.signaling.core.SignalingException if the port cannot be bound (the message names
   *     it), or the server does not start
   */
  public abstract S start();
}
