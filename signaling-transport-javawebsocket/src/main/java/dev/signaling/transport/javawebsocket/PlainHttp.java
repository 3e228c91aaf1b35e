package dev.signaling.transport.javawebsocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The plain HTTP side of the port: finds the end of a request head, tells a WebSocket upgrade from
 * a plain request, and writes the few answers the protocol defines ({@code /health}, {@code 404}
 * and the refusals). Every answer carries an exact {@code Content-Length} and {@code Connection:
 * close}; the socket is closed after it.
 */
final class PlainHttp {

  /** Longest request head accepted; a longer one is answered {@code 431}. */
  static final int MAX_HEAD_BYTES = 8 * 1024;

  static final String HEALTH_PATH = "/health";

  private PlainHttp() {}

  /**
   * What the server needs from a request head.
   *
   * @param origins the values of every {@code Origin} header, in order
   */
  record Request(String method, String path, boolean upgrade, List<String> origins) {}

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

  /**
   * Parses the request line and looks for {@code Upgrade: websocket} and {@code Origin}.
   *
   * @return the request, or {@code null} when the request line is malformed
   */
  static Request parse(byte[] head, int length) {
    // ISO-8859-1 maps every byte to one char, so no input can fail to decode.
    String[] lines = new String(head, 0, length, StandardCharsets.ISO_8859_1).split("\r\n", -1);
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3 || requestLine[0].isEmpty() || requestLine[1].isEmpty()
        || !requestLine[2].startsWith("HTTP/")) {
      return null;
    }
    boolean upgrade = false;
    List<String> origins = new ArrayList<>(1);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = lines[i].substring(0, colon).trim();
      if (name.equalsIgnoreCase("upgrade")) {
        for (String token : lines[i].substring(colon + 1).split(",")) {
          upgrade |= token.trim().equalsIgnoreCase("websocket");
        }
      } else if (name.equalsIgnoreCase("origin")) {
        origins.add(lines[i].substring(colon + 1).trim());
      }
    }
    // Only a GET can upgrade (RFC 6455); anything else is plain HTTP and gets our own answer.
    return new Request(requestLine[0], path(requestLine[1]), upgrade && requestLine[0].equals("GET"),
        List.copyOf(origins));
  }

  /** The path of a request target, without query or fragment; absolute-form targets included. */
  private static String path(String target) {
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
  static byte[] answer(Request request, boolean shuttingDown) {
    boolean head = request.method().equals("HEAD");
    if ((head || request.method().equals("GET")) && request.path().equals(HEALTH_PATH)) {
      return shuttingDown
          ? response(503, "Service Unavailable", "{\"ok\":false}", !head)
          : response(200, "OK", "{\"ok\":true}", !head);
    }
    return response(404, "Not Found", "{\"error\":\"not found\"}", !head);
  }

  static byte[] badRequest() {
    return response(400, "Bad Request", "{\"error\":\"bad request\"}", true);
  }

  static byte[] headTooLarge() {
    return response(431, "Request Header Fields Too Large", "{\"error\":\"request head too large\"}", true);
  }

  /** The refusal of a WebSocket upgrade from a browser origin that is not allowed. */
  static byte[] forbiddenOrigin() {
    return response(403, "Forbidden", "{\"error\":\"origin not allowed\"}", true);
  }

  /** The refusal of a WebSocket upgrade: the connection limit is reached, or the server is stopping. */
  static byte[] unavailable(boolean shuttingDown) {
    String error = shuttingDown ? "shutting down" : "too many connections";
    return response(503, "Service Unavailable", "{\"error\":\"" + error + "\"}", true);
  }

  /**
   * A complete response. A {@code HEAD} answer ({@code withBody == false}) keeps the {@code
   * Content-Length} of the body it leaves out, as HTTP requires.
   */
  static byte[] response(int status, String reason, String json, boolean withBody) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
        + "Content-Type: application/json; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n"
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
