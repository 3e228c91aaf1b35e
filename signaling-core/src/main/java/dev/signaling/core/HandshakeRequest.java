package dev.signaling.core;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the client's WebSocket upgrade request said, as far as the core may want to know it
 * (authentication hooks, logs).
 *
 * @param path the request path without the query, e.g. {@code "/"}
 * @param query the raw query string without {@code '?'}, or {@code ""}
 * @param headers header values by lower-case header name
 * @param remoteAddress the peer's address, or {@code null} when the transport has none
 */
public record HandshakeRequest(
    String path, String query, Map<String, List<String>> headers, InetSocketAddress remoteAddress) {

  /**
   * Copies the headers and lower-cases their names.
   *
   * @param path the request path without the query, e.g. {@code "/"}
   * @param query the raw query string without {@code '?'}, or {@code ""}
   * @param headers header values by lower-case header name
   * @param remoteAddress the peer's address, or {@code null} when the transport has none
   */
  public HandshakeRequest {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    headers = CompactHeaders.of(headers);
  }

  /**
   * A request to {@code "/"} with no headers and no address (for in-memory transports).
   *
   * @return a request to {@code "/"} with no headers and no address (for in-memory transports)
   */
  public static HandshakeRequest none() {
    return new HandshakeRequest("/", "", Map.of(), null);
  }

  /**
   * The first value of a header, or {@code null}; the name is matched ignoring case.
   *
   * @param name the name
   * @return the first value of a header, or {@code null}
   */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
