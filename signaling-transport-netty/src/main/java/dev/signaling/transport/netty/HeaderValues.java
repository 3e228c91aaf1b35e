package dev.signaling.transport.netty;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared {@code String} per distinct value of the handshake headers that are the same on most
 * connections, for the {@code HandshakeRequest} every open connection keeps: browsers send the
 * same {@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-Version}, {@code
 * Sec-WebSocket-Extensions}, {@code Host}, {@code Origin}, {@code Accept-Encoding}, and mostly the
 * same {@code User-Agent} and {@code Accept-Language}. A copy of each per connection is about 770
 * bytes of heap that every idle connection held (measured with a browser's thirteen headers; the
 * core already shares the names).
 *
 * <p>Only the headers named here are shared: never a value that is unique or secret ({@code
 * Sec-WebSocket-Key}, {@code Cookie}, {@code Authorization}), which would outlive its connection
 * here. Bounded whatever clients send: at most {@link #MAX_VALUES} values of at most {@link
 * #MAX_VALUE_LENGTH} characters; when full it starts over, which only costs sharing. Thread-safe.
 */
final class HeaderValues {

  /** The most values remembered; then the set starts over. */
  static final int MAX_VALUES = 1024;
  /** Longer values are not shared. */
  static final int MAX_VALUE_LENGTH = 512;

  private static final Set<String> SHARED_HEADERS = Set.of("accept-encoding", "accept-language", "cache-control",
      "connection", "host", "origin", "pragma", "sec-websocket-extensions", "sec-websocket-protocol",
      "sec-websocket-version", "upgrade", "user-agent");

  private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();

  /** How many values are remembered now (for tests of the bound). */
  int size() {
    return values.size();
  }

  /**
   * {@code value} of header {@code lowerCaseName}, as the instance remembered for an equal value
   * when the header is one of those shared.
   */
  String of(String lowerCaseName, String value) {
    return SHARED_HEADERS.contains(lowerCaseName) ? shared(value) : value;
  }

  /** The request path, shared the same way (every client of an application asks for the same one or two). */
  String path(String path) {
    return shared(path);
  }

  private String shared(String value) {
    if (value.length() > MAX_VALUE_LENGTH) {
      return value;
    }
    String known = values.get(value);
    if (known != null) {
      return known;
    }
    if (values.size() >= MAX_VALUES) {
      values.clear();
    }
    known = values.putIfAbsent(value, value);
    return known != null ? known : value;
  }
}
