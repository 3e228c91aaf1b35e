package dev.signaling.transport.javawebsocket;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} header value (RFC 9110 §5.6.7, IMF-fixdate), formatted at most once a second:
 * a reconnect storm of thousands of upgrades a second pays for one formatting, not one {@code
 * SimpleDateFormat} each as the library's own answer does. Thread-safe.
 */
final class HttpDate {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private record Formatted(long second, String text) {}

  /** Replaced whole, so a reader sees a second and its text together. */
  private static volatile Formatted last = new Formatted(Long.MIN_VALUE, "");

  private HttpDate() {}

  /** The current time, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
  static String now() {
    return at(System.currentTimeMillis() / 1000);
  }

  /** The time {@code epochSecond}, from the cache when it is the last second formatted. */
  static String at(long epochSecond) {
    Formatted f = last;
    if (f.second() != epochSecond) {
      f = new Formatted(epochSecond, IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond)));
      last = f;
    }
    return f.text();
  }
}
