package dev.signaling.client;

import com.google.gson.JsonParser;

/**
 * Finds the exact text of a top-level member's value in a JSON object, so that a signal's payload
 * reaches the application character for character, as the server forwarded it (a parsed and
 * re-serialized payload would change numbers, escapes and spacing).
 *
 * <p>The input must already be known to be one valid JSON object (the caller parsed it first);
 * this scanner only tracks strings and nesting, it does not validate.
 */
final class RawJson {

  private RawJson() {}

  /**
   * The text of the value of the top-level member {@code name} (the last one, if the name
   * repeats, as Gson's tree keeps the last), or {@code null} when the object has no such member.
   */
  static String memberValue(String objectText, String name) {
    int i = skipWhitespace(objectText, 0);
    if (i >= objectText.length() || objectText.charAt(i) != '{') {
      return null;
    }
    i++;
    String found = null;
    while (true) {
      i = skipWhitespace(objectText, i);
      if (i >= objectText.length() || objectText.charAt(i) == '}') {
        return found;
      }
      if (objectText.charAt(i) == ',') {
        i++;
        continue;
      }
      int keyEnd = endOfString(objectText, i);
      boolean matches = decodedKeyEquals(objectText, i, keyEnd, name);
      i = skipWhitespace(objectText, keyEnd);
      i = skipWhitespace(objectText, i + 1); // the colon
      int valueEnd = endOfValue(objectText, i);
      if (matches) {
        found = objectText.substring(i, valueEnd);
      }
      i = valueEnd;
    }
  }

  private static boolean decodedKeyEquals(String text, int start, int end, String name) {
    String raw = text.substring(start + 1, end - 1);
    // Keys with escapes are rare; decode them properly rather than compare escaped text.
    if (raw.indexOf('\\') < 0) {
      return raw.equals(name);
    }
    return JsonParser.parseString(text.substring(start, end)).getAsString().equals(name);
  }

  private static int skipWhitespace(String text, int i) {
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        break;
      }
      i++;
    }
    return i;
  }

  /** {@code i} is at an opening quote; returns the index just past the closing quote. */
  private static int endOfString(String text, int i) {
    i++;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else {
        i++;
      }
    }
    return text.length();
  }

  /** {@code i} is at the first character of a value; returns the index just past it. */
  private static int endOfValue(String text, int i) {
    if (i >= text.length()) {
      return i;
    }
    char first = text.charAt(i);
    if (first == '"') {
      return endOfString(text, i);
    }
    if (first == '{' || first == '[') {
      int depth = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == '"') {
          i = endOfString(text, i);
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      return i;
    }
    // A number, true, false or null: runs until a delimiter.
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        break;
      }
      i++;
    }
    return i;
  }
}
