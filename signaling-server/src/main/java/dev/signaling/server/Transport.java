package dev.signaling.server;

import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.spi.ServerBuilder;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The transport that serves the WebSocket port, as {@code --transport} names it. Both take the
 * same settings ({@link ServerBuilder}) and behave the same on the wire; this is the one place that
 * picks between their two {@code SignalingServer} classes.
 */
enum Transport {
  /** {@code dev.signaling.transport.javawebsocket}: the default. */
  JAVA_WEBSOCKET("java-websocket"),
  /** {@code dev.signaling.transport.netty}: epoll on Linux, I/O on every core. */
  NETTY("netty");

  private final String flagValue;

  Transport(String flagValue) {
    this.flagValue = flagValue;
  }

  /** The name {@code --transport} takes, e.g. {@code netty}. */
  String flagValue() {
    return flagValue;
  }

  /** The transport named {@code value}, or {@code null} if none is. */
  static Transport named(String value) {
    for (Transport transport : values()) {
      if (transport.flagValue.equals(value)) {
        return transport;
      }
    }
    return null;
  }

  /**
   * Starts a server on this transport.
   *
   * @param tls the TLS context, or {@code null} for plain {@code ws://}
   * @param cluster the cluster to join (the server owns it from here), or {@code null}
   * @throws RuntimeException if the server cannot start; the message says why
   */
  RunningServer start(String host, int port, SignalingConfig config, List<String> allowedOrigins,
      SignalingListener listener, SSLContext tls, Cluster cluster) {
    ServerBuilder<?, ?> builder = switch (this) {
      case JAVA_WEBSOCKET -> dev.signaling.transport.javawebsocket.SignalingServer.builder();
      case NETTY -> dev.signaling.transport.netty.SignalingServer.builder();
    };
    builder.host(host).port(port).config(config).allowedOrigins(allowedOrigins.toArray(String[]::new))
        .listener(listener);
    if (tls != null) {
      builder.tls(tls);
    }
    if (cluster != null) {
      builder.cluster(cluster);
    }
    return builder.start();
  }
}
