package dev.signaling.transport.netty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Base64;
import java.util.List;

/**
 * Tells a WebSocket upgrade attempt (a request whose {@code Upgrade} header lists {@code websocket},
 * whatever else it says) from plain HTTP, and checks the attempt as RFC 6455 (section 4.2.1) and
 * RFC 9110 ask before anything is spent on it: {@code GET} over {@code HTTP/1.1}, a {@code
 * Connection} header with the {@code upgrade} token, one {@code Host}, one {@code
 * Sec-WebSocket-Key} that is the base64 of exactly 16 bytes, and one {@code
 * Sec-WebSocket-Version: 13}.
 */
final class UpgradeCheck {

  /** What a request asks for. */
  enum Verdict {
    /** Not an upgrade attempt: plain HTTP. */
    PLAIN,
    /** A complete upgrade. */
    UPGRADE,
    /** A complete upgrade for another WebSocket version: {@code 426}. */
    WRONG_VERSION,
    /** An incomplete or malformed upgrade: {@code 400}. */
    INVALID
  }

  private UpgradeCheck() {}

  static Verdict of(HttpRequest request) {
    HttpHeaders headers = request.headers();
    if (!headers.containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
      return Verdict.PLAIN;
    }
    List<String> hosts = headers.getAll(HttpHeaderNames.HOST);
    if (!request.method().equals(HttpMethod.GET)
        || !request.protocolVersion().equals(HttpVersion.HTTP_1_1)
        || !headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)
        || hosts.size() != 1 || hosts.get(0).isEmpty()
        || !isKey(headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
      return Verdict.INVALID;
    }
    List<String> versions = headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
    if (versions.isEmpty()) {
      return Verdict.INVALID;
    }
    return versions.size() == 1 && versions.get(0).equals("13") ? Verdict.UPGRADE : Verdict.WRONG_VERSION;
  }

  /** One key, 24 characters of base64 (with its padding) that decode to 16 bytes. */
  private static boolean isKey(List<String> keys) {
    if (keys.size() != 1 || keys.get(0).length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(keys.get(0)).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
