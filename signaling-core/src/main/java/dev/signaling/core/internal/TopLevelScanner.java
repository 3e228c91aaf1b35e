package dev.signaling.core.internal;

/**
 * The codec's fast path for the hot messages ({@code signal}, {@code heartbeat}): one pass over
 * the text that validates it as strict JSON (RFC 8259) and reads the top-level {@code type},
 * {@code from}, {@code to} and {@code nodeId}, allocating nothing but the result.
 *
 * <p>It only ever <em>accepts</em>: whatever it is not sure of (invalid or unusual JSON, escapes
 * in a key or in a value it reads, a duplicated key, nesting over {@link #MAX_DEPTH}, a field
 * that must be built, such as {@code username} or {@code roles}) makes it return {@code null},
 * and the full streaming parser decides, errors included. So it accepts a subset of what the
 * full parser accepts, with the same result; {@code TopLevelScannerTest} checks that on
 * mutated messages.
 */
final class TopLevelScanner {

  /** Deeper nesting is left to the full parser (real payloads nest a few levels). */
  static final int MAX_DEPTH = 64;

  private static final int NOT_SURE = -1;

  private final String s;
  private final int n;

  private TopLevelScanner(String s) {
    this.s = s;
    this.n = s.length();
  }

  /** The message's fields, or {@code null} when the full parser must decide. */
  static Inbound scan(String text) {
    return new TopLevelScanner(text).object();
  }

  private Inbound object() {
    int i = whitespace(0);
    if (i >= n || s.charAt(i) != '{') {
      return null;
    }
    Inbound in = new Inbound();
    int seen = 0;
    i = whitespace(i + 1);
    while (true) {
      if (i >= n || s.charAt(i) != '"') {
        return null; // includes the empty object: no type, the full parser words the error
      }
      int keyStart = i + 1;
      int keyEnd = plainString(keyStart);
      if (keyEnd < 0) {
        return null;
      }
      i = whitespace(keyEnd + 1);
      if (i >= n || s.charAt(i) != ':') {
        return null;
      }
      i = whitespace(i + 1);
      int bit = field(keyStart, keyEnd - keyStart);
      if (bit < 0) {
        return null; // a field the relay builds (username, keys, roles, auth)
      }
      if (bit > 0) {
        if ((seen & bit) != 0) {
          return null; // duplicated: the full parser reports it
        }
        seen |= bit;
        Object value;
        if (i < n && s.charAt(i) == '"') {
          int end = plainString(i + 1);
          if (end < 0) {
            return null;
          }
          value = s.substring(i + 1, end);
          i = end + 1;
        } else if (s.startsWith("null", i)) {
          value = Inbound.JSON_NULL;
          i += 4;
        } else {
          i = value(i, 1);
          if (i < 0) {
            return null;
          }
          value = Inbound.NOT_A_STRING;
        }
        switch (bit) {
          case 1 -> {
            if (!(value instanceof String type)) {
              return null;
            }
            in.type = type;
          }
          case 2 -> in.from = value;
          case 4 -> in.to = value;
          default -> in.nodeId = value;
        }
      } else {
        i = value(i, 1);
        if (i < 0) {
          return null;
        }
      }
      i = whitespace(i);
      if (i >= n) {
        return null;
      }
      char c = s.charAt(i);
      if (c == '}') {
        break;
      }
      if (c != ',') {
        return null;
      }
      i = whitespace(i + 1);
    }
    if (whitespace(i + 1) != n || in.type == null) {
      return null;
    }
    return in;
  }

  /**
   * Which top-level key this is: 1 type, 2 from, 4 to, 8 nodeId, 0 one to skip, -1 one the full
   * parser must build.
   */
  private int field(int start, int length) {
    return switch (length) {
      case 2 -> s.startsWith("to", start) ? 4 : 0;
      case 4 -> s.startsWith("type", start) ? 1 : s.startsWith("from", start) ? 2 : s.startsWith("auth", start) ? -1 : 0;
      case 5 -> s.startsWith("roles", start) ? -1 : 0;
      case 6 -> s.startsWith("nodeId", start) ? 8 : 0;
      case 8 -> s.startsWith("username", start) ? -1 : 0;
      case 9 -> s.startsWith("publicKey", start) ? -1 : 0;
      case 13 -> s.startsWith("encryptionKey", start) ? -1 : 0;
      default -> 0;
    };
  }

  private int whitespace(int i) {
    while (i < n) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        break;
      }
      i++;
    }
    return i;
  }

  /**
   * The index of the closing quote of a string the full parser would read as it is (no escapes,
   * no control characters, no surrogates: it refuses unpaired ones in what it reads); -1 otherwise.
   */
  private int plainString(int i) {
    while (i < n) {
      char c = s.charAt(i);
      if (c == '"') {
        return i;
      }
      if (c == '\\' || c < 0x20 || Character.isSurrogate(c)) {
        return NOT_SURE;
      }
      i++;
    }
    return NOT_SURE;
  }

  /** Skips one JSON value starting at {@code i}; returns the index after it, or -1. */
  private int value(int i, int depth) {
    if (i >= n) {
      return NOT_SURE;
    }
    char c = s.charAt(i);
    switch (c) {
      case '"':
        return string(i + 1);
      case '{':
        return depth >= MAX_DEPTH ? NOT_SURE : container(i + 1, depth + 1, '}');
      case '[':
        return depth >= MAX_DEPTH ? NOT_SURE : container(i + 1, depth + 1, ']');
      case 't':
        return s.startsWith("true", i) ? i + 4 : NOT_SURE;
      case 'f':
        return s.startsWith("false", i) ? i + 5 : NOT_SURE;
      case 'n':
        return s.startsWith("null", i) ? i + 4 : NOT_SURE;
      default:
        return c == '-' || (c >= '0' && c <= '9') ? number(i) : NOT_SURE;
    }
  }

  /** Skips the members of an object or the elements of an array, and the closing bracket. */
  private int container(int i, int depth, char close) {
    i = whitespace(i);
    if (i < n && s.charAt(i) == close) {
      return i + 1;
    }
    while (true) {
      if (close == '}') {
        if (i >= n || s.charAt(i) != '"') {
          return NOT_SURE;
        }
        i = string(i + 1);
        if (i < 0) {
          return NOT_SURE;
        }
        i = whitespace(i);
        if (i >= n || s.charAt(i) != ':') {
          return NOT_SURE;
        }
        i = whitespace(i + 1);
      }
      i = value(i, depth);
      if (i < 0) {
        return NOT_SURE;
      }
      i = whitespace(i);
      if (i >= n) {
        return NOT_SURE;
      }
      char c = s.charAt(i);
      if (c == close) {
        return i + 1;
      }
      if (c != ',') {
        return NOT_SURE;
      }
      i = whitespace(i + 1);
    }
  }

  /** Skips the rest of a string whose opening quote is before {@code i}; escapes must be valid. */
  private int string(int i) {
    while (i < n) {
      char c = s.charAt(i++);
      if (c == '"') {
        return i;
      }
      if (c < 0x20) {
        return NOT_SURE;
      }
      if (c == '\\') {
        if (i >= n) {
          return NOT_SURE;
        }
        char e = s.charAt(i++);
        switch (e) {
          case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
          case 'u' -> {
            if (i + 4 > n) {
              return NOT_SURE;
            }
            for (int k = 0; k < 4; k++) {
              char h = s.charAt(i + k);
              if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F'))) {
                return NOT_SURE;
              }
            }
            i += 4;
          }
          default -> {
            return NOT_SURE;
          }
        }
      }
    }
    return NOT_SURE;
  }

  /** Skips a number: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
  private int number(int i) {
    if (s.charAt(i) == '-') {
      i++;
    }
    if (i >= n) {
      return NOT_SURE;
    }
    if (s.charAt(i) == '0') {
      i++;
    } else {
      int start = i;
      i = digits(i);
      if (i == start) {
        return NOT_SURE;
      }
    }
    if (i < n && s.charAt(i) == '.') {
      int start = ++i;
      i = digits(i);
      if (i == start) {
        return NOT_SURE;
      }
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
        i++;
      }
      int start = i;
      i = digits(i);
      if (i == start) {
        return NOT_SURE;
      }
    }
    return i;
  }

  private int digits(int i) {
    while (i < n) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      i++;
    }
    return i;
  }
}
