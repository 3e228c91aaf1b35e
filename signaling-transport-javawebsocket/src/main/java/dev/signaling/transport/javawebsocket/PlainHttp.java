package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.ServerUris;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The plain HTTP side of the port: finds the end of a request head and writes the few answers the
 * protocol defines ({@code /health}, {@code 404} and the refusals). Every answer carries an exact
 * {@code Content-Length} and {@code Connection: close}; the socket is closed after it.
 */
final class PlainHttp {

  /** Longest request head accepted; a longer one is answered {@code 431}. */
  static final int MAX_HEAD_BYTES = 8 * 1024;

  static final String HEALTH_PATH = ServerUris.HEALTH_PATH;

  private PlainHttp() {}

  /**
   * The index just past the {@code CRLF CRLF} that ends the head in {@code bytes[0, length)}, or
   * {@code -1}; the search starts at {@code from} so that a head arriving in pieces is scanned once.
   */
  static int endOfHead(byte[] bytes, int from, int length) {
    for (int i = Math.max(0, from); i + 3 < length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  /** The path of a request target, without query or fragment; absolute-form targets included. */
  static String path(String target) {
    String path = target;
    String lower = target.toLowerCase(Locale.ROOT);
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      int slash = target.indexOf('/', target.indexOf("//") + 2);
      path = slash < 0 ? "/" : target.substring(slash);
    }
    int end = path.length();
    int query = path.indexOf('?');
    int fragment = path.indexOf('#');
    if (query >= 0) {
      end = query;
    }
    if (fragment >= 0 && fragment < end) {
      end = fragment;
    }
    return path.substring(0, end);
  }

  /** The answer to a plain (non-upgrade) request, as the protocol's endpoint table says. */
  static byte[] answer(RequestHead request, boolean shuttingDown) {
    boolean head = request.method().equals("HEAD");
    if ((head || request.method().equals("GET")) && path(request.target()).equals(HEALTH_PATH)) {
      return shuttingDown
          ? response(503, "Service Unavailable", "{\"ok\":false}", !head)
          : response(200, "OK", "{\"ok\":true}", !head);
    }
    return response(404, "Not Found", "{\"error\":\"not found\"}", !head);
  }

  /** The answer to a request head that does not parse (RFC 9112), bare line breaks included. */
  static byte[] badRequest() {
    return response(400, "Bad Request", "{\"error\":\"bad request\"}", true);
  }

  /** The answer to an upgrade attempt that is not complete (see {@link UpgradeCheck}). */
  static byte[] invalidUpgrade() {
    return response(400, "Bad Request", "{\"error\":\"invalid websocket upgrade\"}", true);
  }

  /**
   * The answer to an upgrade for another protocol version: RFC 6455 §4.2.2 names the version we
   * speak, and RFC 9110 §15.5.22 wants the protocol in an {@code Upgrade} header.
   */
  static byte[] wrongVersion() {
    return response(426, "Upgrade Required", "{\"error\":\"unsupported websocket version\"}",
        "Sec-WebSocket-Version: " + UpgradeCheck.VERSION + "\r\nUpgrade: websocket\r\n", "Upgrade, close", true);
  }

  static byte[] headTooLarge() {
    return response(431, "Request Header Fields Too Large", "{\"error\":\"request head too large\"}", true);
  }

  /** The refusal of a WebSocket upgrade from a browser origin that is not allowed. */
  static byte[] forbiddenOrigin() {
    return response(403, "Forbidden", "{\"error\":\"origin not allowed\"}", true);
  }

  /** The refusal of a WebSocket upgrade by the connection caps, or while stopping. */
  static byte[] refusal(ConnectionSlots.Refusal refusal) {
    return response(refusal.status(), refusal.reasonPhrase(), refusal.body(), true);
  }

  /**
   * A complete response. A {@code HEAD} answer ({@code withBody == false}) keeps the {@code
   * Content-Length} of the body it leaves out, as HTTP requires.
   */
  static byte[] response(int status, String reason, String json, boolean withBody) {
    return response(status, reason, json, "", "close", withBody);
  }

  private static byte[] response(int status, String reason, String json, String moreHeaders, String connection,
      boolean withBody) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
        + "Content-Type: application/json; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + moreHeaders
        + "Connection: " + connection + "\r\n"
        + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    if (!withBody) {
      return headBytes;
    }
    byte[] all = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(body, 0, all, headBytes.length, body.length);
    return all;
  }
}
