package dev.signaling.transport.netty;

import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.ServerUris;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * The few plain HTTP answers the protocol defines, byte for byte those of the other transport:
 * JSON bodies, an exact {@code Content-Length}, {@code Connection: close}, no {@code Server}
 * header. The socket is closed after each.
 */
final class HttpAnswers {

  static final String HEALTH_PATH = ServerUris.HEALTH_PATH;

  // Spelled as the other transport writes them (Netty's own constants are lower case).
  private static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
  private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
  static final AsciiString CONNECTION = AsciiString.cached("Connection");
  private static final AsciiString WEBSOCKET_VERSION = AsciiString.cached("Sec-WebSocket-Version");
  private static final AsciiString JSON = AsciiString.cached("application/json; charset=utf-8");
  private static final AsciiString CLOSE = AsciiString.cached("close");
  static final AsciiString UPGRADE = AsciiString.cached("Upgrade");
  static final AsciiString WEBSOCKET = AsciiString.cached("websocket");
  private static final AsciiString UPGRADE_CLOSE = AsciiString.cached("Upgrade, close");

  private HttpAnswers() {}

  /** The answer to a plain (non-upgrade) request, as the protocol's endpoint table says. */
  static FullHttpResponse plain(String method, String target, boolean shuttingDown) {
    boolean head = method.equals("HEAD");
    if ((head || method.equals("GET")) && path(target).equals(HEALTH_PATH)) {
      return shuttingDown
          ? response(HttpResponseStatus.SERVICE_UNAVAILABLE, "{\"ok\":false}", !head)
          : response(HttpResponseStatus.OK, "{\"ok\":true}", !head);
    }
    return response(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}", !head);
  }

  static FullHttpResponse badRequest() {
    return response(HttpResponseStatus.BAD_REQUEST, "{\"error\":\"bad request\"}", true);
  }

  /** An incomplete or malformed WebSocket upgrade (RFC 6455 section 4.2.1). */
  static FullHttpResponse invalidUpgrade() {
    return response(HttpResponseStatus.BAD_REQUEST, "{\"error\":\"invalid websocket upgrade\"}", true);
  }

  /** A WebSocket upgrade for a version other than 13 (RFC 6455 section 4.4). */
  static FullHttpResponse unsupportedVersion() {
    FullHttpResponse response =
        response(HttpResponseStatus.UPGRADE_REQUIRED, "{\"error\":\"unsupported websocket version\"}", true);
    response.headers()
        .remove(CONNECTION)
        .add(WEBSOCKET_VERSION, "13")
        .add(UPGRADE, WEBSOCKET)
        .add(CONNECTION, UPGRADE_CLOSE);
    return response;
  }

  static FullHttpResponse headTooLarge() {
    return response(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
        "{\"error\":\"request head too large\"}", true);
  }

  /** The refusal of a WebSocket upgrade from a browser origin that is not allowed. */
  static FullHttpResponse forbiddenOrigin() {
    return response(HttpResponseStatus.FORBIDDEN, "{\"error\":\"origin not allowed\"}", true);
  }

  /** The refusal of a WebSocket upgrade by the connection slots: a cap is reached, or the server is stopping. */
  static FullHttpResponse refused(ConnectionSlots.Refusal refusal) {
    return response(new HttpResponseStatus(refusal.status(), refusal.reasonPhrase()), refusal.body(), true);
  }

  /**
   * A complete response. A {@code HEAD} answer ({@code withBody == false}) keeps the {@code
   * Content-Length} of the body it leaves out, as HTTP requires.
   */
  private static FullHttpResponse response(HttpResponseStatus status, String json, boolean withBody) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        withBody ? Unpooled.wrappedBuffer(body) : Unpooled.EMPTY_BUFFER);
    response.headers()
        .add(CONTENT_TYPE, JSON)
        .add(CONTENT_LENGTH, body.length)
        .add(CONNECTION, CLOSE);
    return response;
  }

  /** The path of a request target, without query or fragment; absolute-form targets included. */
  static String path(String target) {
    String path = target;
    if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
      int slash = target.indexOf('/', target.indexOf("//") + 2);
      path = slash < 0 ? "/" : target.substring(slash);
    }
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '?' || c == '#') {
        return path.substring(0, i);
      }
    }
    return path;
  }

  /** The query of a request target without {@code '?'} (and without a fragment), or {@code ""}. */
  static String query(String target) {
    int question = target.indexOf('?');
    if (question < 0) {
      return "";
    }
    int fragment = target.indexOf('#', question);
    return target.substring(question + 1, fragment < 0 ? target.length() : fragment);
  }
}
