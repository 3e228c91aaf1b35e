package dev.signaling.transport.javawebsocket;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An HTTP/1.x request head (RFC 9112 §2-5), parsed strictly: a request line of exactly three
 * parts, {@code CRLF} line endings only (a bare {@code LF} or {@code CR} is refused, not guessed
 * at), header lines {@code name: value} with a token for the name and no whitespace before the
 * colon, no control characters in a value, no line folding. What does not parse is answered
 * {@code 400}.
 *
 * @param method the request method, e.g. {@code GET}
 * @param target the request target as sent, e.g. {@code /health?x=1}
 * @param version the protocol version, e.g. {@code HTTP/1.1}
 * @param names the header names in lower case, in order
 * @param values the header values, without surrounding whitespace, in the same order
 */
record RequestHead(String method, String target, String version, List<String> names, List<String> values) {

  private static final Pattern VERSION = Pattern.compile("HTTP/[0-9]\\.[0-9]");

  /**
   * Parses {@code head[0, length)}, which ends with the empty line.
   *
   * @return the head, or {@code null} when it is malformed
   */
  static RequestHead parse(byte[] head, int length) {
    if (firstBareLineBreak(head, 0, length) >= 0) {
      return null;
    }
    // ISO-8859-1 maps every byte to one char, so no input can fail to decode.
    String[] lines = new String(head, 0, length, StandardCharsets.ISO_8859_1).split("\r\n", -1);
    String[] requestLine = lines[0].split(" ", -1);
    if (requestLine.length != 3 || !isToken(requestLine[0]) || requestLine[1].isEmpty()
        || !VERSION.matcher(requestLine[2]).matches()) {
      return null;
    }
    List<String> names = new ArrayList<>(lines.length);
    List<String> values = new ArrayList<>(lines.length);
    // The head ends with CRLF CRLF: the last two strings of the split are empty.
    for (int i = 1; i < lines.length - 2; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || !isToken(line.substring(0, colon))) {
        return null; // no name, whitespace before the colon, or a folded line (RFC 9112 §5.1, §5.2)
      }
      String value = line.substring(colon + 1).strip();
      if (!isFieldValue(value)) {
        return null;
      }
      names.add(line.substring(0, colon).toLowerCase(Locale.ROOT));
      values.add(value);
    }
    return new RequestHead(requestLine[0], requestLine[1], requestLine[2], names, values);
  }

  /**
   * The index of the first {@code LF} not preceded by {@code CR}, or {@code CR} not followed by
   * {@code LF}, in {@code bytes[from, length)}; -1 when there is none (a {@code CR} at the end may
   * still get its {@code LF}).
   */
  static int firstBareLineBreak(byte[] bytes, int from, int length) {
    for (int i = Math.max(0, from); i < length; i++) {
      if (bytes[i] == '\n' && (i == 0 || bytes[i - 1] != '\r')) {
        return i;
      }
      if (bytes[i] == '\r' && i + 1 < length && bytes[i + 1] != '\n') {
        return i;
      }
    }
    return -1;
  }

  /** RFC 9110 §5.5: no control characters but horizontal tab. */
  private static boolean isFieldValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7F) {
        return false;
      }
    }
    return true;
  }

  /** RFC 9110 §5.6.2: one or more tchar. */
  private static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  /** The values of every header line named {@code name} (lower case), in order. */
  List<String> values(String name) {
    List<String> found = new ArrayList<>(1);
    for (int i = 0; i < names.size(); i++) {
      if (names.get(i).equals(name)) {
        found.add(values.get(i));
      }
    }
    return found;
  }

  /** Whether a comma-separated list in the {@code name} headers holds {@code token}, ignoring case. */
  boolean hasToken(String name, String token) {
    for (String value : values(name)) {
      for (String element : value.split(",")) {
        if (element.strip().equalsIgnoreCase(token)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether this is a WebSocket upgrade attempt: it asks to upgrade to {@code websocket}. */
  boolean isUpgrade() {
    return hasToken("upgrade", "websocket");
  }
}
