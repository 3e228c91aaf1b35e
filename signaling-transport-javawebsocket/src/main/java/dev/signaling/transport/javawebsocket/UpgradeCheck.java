package dev.signaling.transport.javawebsocket;

import java.util.Base64;
import java.util.List;

/**
 * Whether a WebSocket upgrade attempt (a request with {@code Upgrade: websocket}) is complete, as
 * RFC 6455 §4.2.1 and RFC 9110/9112 require: {@code GET} over {@code HTTP/1.1}, a {@code
 * Connection} header with the {@code upgrade} token, one {@code Host}, one {@code
 * Sec-WebSocket-Key} that is the base64 of exactly 16 bytes, and {@code Sec-WebSocket-Version:
 * 13}. Only a complete one reaches Java-WebSocket, so the library never answers a request itself
 * (its answer would be a {@code 404} HTML page).
 */
final class UpgradeCheck {

  /** What an upgrade attempt gets. */
  enum Verdict {
    /** Complete: hand it to the library. */
    UPGRADE,
    /** Incomplete or malformed: {@code 400}. */
    INVALID,
    /** Complete but for another protocol version: {@code 426} with {@code Sec-WebSocket-Version: 13}. */
    WRONG_VERSION
  }

  static final String VERSION = "13";

  private UpgradeCheck() {}

  /** The verdict on {@code head}, which {@link RequestHead#isUpgrade() is an upgrade attempt}. */
  static Verdict check(RequestHead head) {
    if (!head.method().equals("GET") || !head.version().equals("HTTP/1.1")
        || !head.hasToken("connection", "upgrade")
        || !exactlyOne(head.values("host"))
        || !isKey(head.values("sec-websocket-key"))) {
      return Verdict.INVALID;
    }
    List<String> versions = head.values("sec-websocket-version");
    if (versions.isEmpty()) {
      return Verdict.INVALID;
    }
    return versions.size() == 1 && versions.get(0).equals(VERSION) ? Verdict.UPGRADE : Verdict.WRONG_VERSION;
  }

  private static boolean exactlyOne(List<String> values) {
    return values.size() == 1 && !values.get(0).isEmpty();
  }

  /** One key, 24 characters of base64 (with its padding) that decode to 16 bytes. */
  private static boolean isKey(List<String> values) {
    if (values.size() != 1 || values.get(0).length() != 24) {
      return false;
    }
    try {
      return Base64.getDecoder().decode(values.get(0)).length == 16;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
