package dev.signaling.transport.netty;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Base64;

/**
 * Tells a WebSocket upgrade from a plain request, and checks an upgrade as RFC 6455 (section 4.2.1)
 * asks before anything is spent on it: HTTP/1.1, {@code Connection: Upgrade}, version 13, and a
 * key of 16 bytes in base64.
 */
final class UpgradeCheck {

  /** What a request asks for. */
  enum Verdict {
    /** Not an upgrade: plain HTTP. */
    PLAIN,
    /** A valid upgrade. */
    UPGRADE,
    /** An upgrade for another WebSocket version: {@code 426}. */
    WRONG_VERSION,
    /** A malformed upgrade: {@code 400}. */
    MALFORMED
  }

  private UpgradeCheck() {}

  static Verdict of(HttpRequest request) {
    HttpHeaders headers = request.headers();
    // Only a GET can upgrade (RFC 6455); anything else is plain HTTP and gets our own answer.
    if (!request.method().equals(HttpMethod.GET)
        || !headers.containsValue(HttpHeaderNames.UPGRADE, "websocket", true)) {
      return Verdict.PLAIN;
    }
    if (!request.protocolVersion().equals(HttpVersion.HTTP_1_1)
        || !headers.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true)
        || headers.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY).size() != 1
        || !isKey(headers.get(HttpHeaderNames.SEC_WEBSOCKET_KEY))) {
      return Verdict.MALFORMED;
    }
    if (!"13".equals(headers.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))) {
      return Verdict.WRONG_VERSION;
    }
    return Verdict.UPGRADE;
  }

  /** A nonce of 16 bytes, base64-encoded (24 characters with padding). */
  private static boolean isKey(String key) {
    if (key == null || key.length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(key).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
