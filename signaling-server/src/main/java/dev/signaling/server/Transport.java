package dev.signaling.server;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * The transport that serves the WebSocket port, as {@code --transport} names it. Both take the
 * same settings and behave the same on the wire; this is the one place that picks between their
 * two {@code SignalingServer} classes, which share a shape but no type.
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
  Server start(String host, int port, SignalingConfig config, List<String> allowedOrigins, SignalingListener listener,
      SSLContext tls, Cluster cluster) {
    String[] origins = allowedOrigins.toArray(String[]::new);
    return switch (this) {
      case JAVA_WEBSOCKET -> {
        var builder = dev.signaling.transport.javawebsocket.SignalingServer.builder()
            .host(host).port(port).config(config).allowedOrigins(origins).listener(listener);
        if (tls != null) {
          builder.tls(tls);
        }
        if (cluster != null) {
          builder.cluster(cluster);
        }
        var server = builder.start();
        yield new Server(server.host(), server.port(), server.webSocketUri(), server.healthUri(), server.hub(),
            server::close);
      }
      case NETTY -> {
        var builder = dev.signaling.transport.netty.SignalingServer.builder()
            .host(host).port(port).config(config).allowedOrigins(origins).listener(listener);
        if (tls != null) {
          builder.tls(tls);
        }
        if (cluster != null) {
          builder.cluster(cluster);
        }
        var server = builder.start();
        yield new Server(server.host(), server.port(), server.webSocketUri(), server.healthUri(), server.hub(),
            server::close);
      }
    };
  }

  /**
   * A started server, whichever its transport: where it listens, its hub, and how to close it
   * (idempotent, as both servers' {@code close()} are).
   *
   * @param host the host it was asked to bind
   * @param port the port it listens on
   * @param webSocketUri where clients connect
   * @param healthUri its {@code /health}
   * @param hub its signaling hub
   * @param closer its {@code close()}
   */
  record Server(String host, int port, URI webSocketUri, URI healthUri, SignalingHub hub, Runnable closer)
      implements AutoCloseable {
    Server {
      Objects.requireNonNull(closer, "closer");
    }

    @Override
    public void close() {
      closer.run();
    }
  }
}
