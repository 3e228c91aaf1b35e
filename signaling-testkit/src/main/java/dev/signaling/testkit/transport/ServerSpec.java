package dev.signaling.testkit.transport;

import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.spi.ServerBuilder;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * What a transport's server builder takes, as a value: a {@link TransportFactory} builds a server
 * from it. {@code tls} and {@code cluster} are {@code null} when not used; {@code allowedOrigins}
 * empty means any origin.
 *
 * @param host the address to bind
 * @param port the port to bind ({@code 0}: an ephemeral one)
 * @param config the hub's configuration
 * @param listener the hub's listener
 * @param tls the server's TLS context, or {@code null} for plain TCP
 * @param allowedOrigins the origin allowlist, as given to the builder
 * @param cluster the cluster the server joins, or {@code null}
 */
public record ServerSpec(String host, int port, SignalingConfig config, SignalingListener listener, SSLContext tls,
    List<String> allowedOrigins, Cluster cluster) {

  /** Checks the values that are never null. */
  public ServerSpec {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(listener, "listener");
    allowedOrigins = List.copyOf(allowedOrigins);
  }

  /** 127.0.0.1, an ephemeral port, the defaults, no listener, no TLS, any origin, no cluster. */
  public static ServerSpec loopback() {
    return new ServerSpec("127.0.0.1", 0, SignalingConfig.defaults(), SignalingListener.NONE, null, List.of(), null);
  }

  /** This spec on another host. */
  public ServerSpec host(String host) {
    return new ServerSpec(host, port, config, listener, tls, allowedOrigins, cluster);
  }

  /** This spec on another port. */
  public ServerSpec port(int port) {
    return new ServerSpec(host, port, config, listener, tls, allowedOrigins, cluster);
  }

  /** This spec with another configuration. */
  public ServerSpec config(SignalingConfig config) {
    return new ServerSpec(host, port, config, listener, tls, allowedOrigins, cluster);
  }

  /** This spec with another listener. */
  public ServerSpec listener(SignalingListener listener) {
    return new ServerSpec(host, port, config, listener, tls, allowedOrigins, cluster);
  }

  /** This spec with TLS ({@code null}: plain TCP). */
  public ServerSpec tls(SSLContext tls) {
    return new ServerSpec(host, port, config, listener, tls, allowedOrigins, cluster);
  }

  /** This spec with an origin allowlist. */
  public ServerSpec allowedOrigins(String... origins) {
    return new ServerSpec(host, port, config, listener, tls, List.of(origins), cluster);
  }

  /** This spec in a cluster ({@code null}: none). */
  public ServerSpec cluster(Cluster cluster) {
    return new ServerSpec(host, port, config, listener, tls, allowedOrigins, cluster);
  }

  /**
   * Sets this spec on a transport's builder and starts the server.
   *
   * @param builder the transport's builder, as {@code SignalingServer.builder()} returns it
   * @param <S> the transport's server
   * @return the started server
   */
  public <S extends RunningServer> S start(ServerBuilder<?, S> builder) {
    builder.host(host).port(port).config(config).listener(listener);
    if (tls != null) {
      builder.tls(tls);
    }
    if (!allowedOrigins.isEmpty()) {
      builder.allowedOrigins(allowedOrigins.toArray(String[]::new));
    }
    if (cluster != null) {
      builder.cluster(cluster);
    }
    return builder.start();
  }
}
