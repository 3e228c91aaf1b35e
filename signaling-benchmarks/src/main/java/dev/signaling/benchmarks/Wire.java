package dev.signaling.benchmarks;

import java.nio.charset.StandardCharsets;

/** The few facts about the wire protocol that the load generator needs, read from bytes without allocating. */
final class Wire {

  static final int OTHER = 0;
  static final int SIGNAL = 1;
  static final int HEARTBEAT = 2;
  static final int PARTICIPANTS = 3;
  static final int PRESENCE = 4;
  static final int REGISTER = 5;
  static final int ERROR = 6;

  static final byte[] TO_KEY = ascii("\"to\":\"");
  static final byte[] NODE_ID_KEY = ascii("\"nodeId\":\"");
  private static final byte[] TYPE_PREFIX = ascii("{\"type\":\"");
  static final String PARTICIPANTS_PREFIX = "{\"type\":\"participants\",\"participants\":[";
  /** Where a heartbeat's {@code from} value starts: {@code {"type":"heartbeat","from":"}. */
  static final int HEARTBEAT_FROM_OFFSET = "{\"type\":\"heartbeat\",\"from\":\"".length();

  private Wire() {}

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** The message type, judged by the first letters after {@code {"type":"} (every message we see starts so). */
  static int type(byte[] a, int off, int len) {
    if (len < TYPE_PREFIX.length + 2) {
      return OTHER;
    }
    for (int i = 0; i < TYPE_PREFIX.length; i++) {
      if (a[off + i] != TYPE_PREFIX[i]) {
        return OTHER;
      }
    }
    int p = off + TYPE_PREFIX.length;
    return switch (a[p]) {
      case 's' -> SIGNAL;
      case 'h' -> HEARTBEAT;
      case 'p' -> a[p + 1] == 'a' ? PARTICIPANTS : PRESENCE;
      case 'r' -> a[p + 2] == 'g' ? REGISTER : OTHER;
      case 'e' -> ERROR;
      default -> OTHER;
    };
  }

  /** The value of the first {@code key} (including its opening quote) in the message, by a plain scan. */
  static String stringField(byte[] a, int off, int len, byte[] key) {
    int at = indexOf(a, off, off + len, key);
    if (at < 0) {
      return null;
    }
    int start = at + key.length;
    for (int i = start; i < off + len; i++) {
      if (a[i] == '"') {
        return new String(a, start, i - start, StandardCharsets.ISO_8859_1);
      }
    }
    return null;
  }

  static int indexOf(byte[] a, int from, int to, byte[] needle) {
    byte first = needle[0];
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      if (a[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Counts occurrences of {@code needle} in the range. */
  static int count(byte[] a, int from, int to, byte[] needle) {
    int n = 0;
    int at = from;
    while ((at = indexOf(a, at, to, needle)) >= 0) {
      n++;
      at += needle.length;
    }
    return n;
  }

  /** Parses {@code digits} decimal digits at {@code off}. */
  static int digits(byte[] a, int off, int digits) {
    int v = 0;
    for (int i = 0; i < digits; i++) {
      v = v * 10 + (a[off + i] - '0');
    }
    return v;
  }

  private static final byte[] HEX = ascii("0123456789abcdef");

  /** Writes {@code v} as 16 hex digits. */
  static void putHex(byte[] a, int off, long v) {
    for (int i = 15; i >= 0; i--) {
      a[off + i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
  }

  static long hex(byte[] a, int off) {
    long v = 0;
    for (int i = 0; i < 16; i++) {
      int c = a[off + i];
      v = (v << 4) | (c <= '9' ? c - '0' : c - 'a' + 10);
    }
    return v;
  }
}
