package dev.signaling.core.spi;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where clients reach a server bound to an address and port, as every transport's {@code
 * webSocketUri()} and {@code healthUri()} report it: the loopback address for a server bound to
 * all interfaces, no IPv6 scope id.
 *
 * @param webSocket {@code ws://host:port} or {@code wss://host:port}
 * @param health {@code http://host:port/health} or {@code https://host:port/health}
 */
public record ServerUris(URI webSocket, URI health) {

  /** The path of the health endpoint, on every transport. */
  public static final String HEALTH_PATH = "/health";

  /**
   * Checks both are there.
   *
   * @param webSocket {@code ws://host:port} or {@code wss://host:port}
   * @param health {@code http://host:port/health} or {@code https://host:port/health}
   */
  public ServerUris {
    Objects.requireNonNull(webSocket, "webSocket");
    Objects.requireNonNull(health, "health");
  }

  /**
   * The URIs of a server bound to {@code address} and {@code port}.
   *
   * @param address the bound address ({@code 0.0.0.0} or {@code ::} for all interfaces)
   * @param port the bound port
   * @param secure whether it serves TLS
   * @return its URIs
   */
  public static ServerUris of(InetAddress address, int port, boolean secure) {
    String host = host(address);
    return new ServerUris(uri(secure ? "wss" : "ws", host, port, null), uri(secure ? "https" : "http", host, port, HEALTH_PATH));
  }

  private static String host(InetAddress address) {
    if (address.isAnyLocalAddress()) {
      return "127.0.0.1";
    }
    String literal = address.getHostAddress();
    int scope = literal.indexOf('%'); // an IPv6 scope id has no place in a URI
    return scope < 0 ? literal : literal.substring(0, scope);
  }

  private static URI uri(String scheme, String host, int port, String path) {
    try {
      return new URI(scheme, null, host, port, path, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no URI for " + host + ":" + port, e);
    }
  }
}
