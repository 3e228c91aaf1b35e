package dev.signaling.server;

import dev.signaling.cluster.redis.RedisCluster;
import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.spi.AllowedOrigins;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value parsers of {@link Options}: each reads one text, from the flag or variable named by
 * {@code source}, or throws a {@link Options.UsageException} whose one-line message names it.
 */
final class Values {

  private Values() {}

  static int port(String value, String source) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as an out-of-range number.
    }
    throw new Options.UsageException(source + " must be a port number from 0 to 65535: '" + value + "'");
  }

  static int positiveInt(String value, String source) {
    long n = positiveLong(value, source);
    if (n > Integer.MAX_VALUE) {
      throw new Options.UsageException(source + " must be at most " + Integer.MAX_VALUE + ": '" + value + "'");
    }
    return (int) n;
  }

  static long positiveLong(String value, String source) {
    try {
      long n = Long.parseLong(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new Options.UsageException(source + " must be a positive whole number: '" + value + "'");
  }

  static int rate(String value, String source) {
    if (value.equalsIgnoreCase("off") || value.equals("0")) {
      return 0;
    }
    return positiveInt(value, source);
  }

  static long rateLong(String value, String source) {
    if (value.equalsIgnoreCase("off") || value.equals("0")) {
      return 0;
    }
    return positiveLong(value, source);
  }

  static int nonNegativeInt(String value, String source) {
    return value.equals("0") ? 0 : positiveInt(value, source);
  }

  static boolean bool(String value, String source) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new Options.UsageException(source + " must be true or false: '" + value + "'");
    };
  }

  static DuplicatePolicy duplicatePolicy(String value, String source) {
    try {
      return DuplicatePolicy.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException(source + " must be REPLACE or REJECT: '" + value + "'");
    }
  }

  static Transport transport(String value, String source) {
    Transport transport = Transport.named(value.toLowerCase(Locale.ROOT));
    if (transport == null) {
      throw new Options.UsageException(source + " must be java-websocket or netty: '" + value + "'");
    }
    return transport;
  }

  static Options.Auth auth(String value, String source) {
    try {
      return Options.Auth.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException(source + " must be none or ed25519: '" + value + "'");
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  static Duration duration(String value, String source) {
    Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
    if (m.matches() && Long.parseLong(m.group(1)) > 0) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    throw new Options.UsageException(source + " must be a positive duration such as 500ms, 10s, 2m or 1h: '" + value + "'");
  }

  /** A duration as {@link #duration(String, String)} reads it, e.g. {@code 10s}. */
  static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  static List<String> origins(String value, String source) {
    List<String> origins = new ArrayList<>();
    for (String origin : value.split(",")) {
      if (!origin.isBlank()) {
        origins.add(origin.strip());
      }
    }
    try {
      AllowedOrigins.of(origins); // validates each, as both transports do
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException(source + ": " + e.getMessage());
    }
    return origins;
  }

  /** A Redis URI as Lettuce reads it: {@code redis://host:port}, {@code rediss://} for TLS. */
  static String redisUri(String value, String source) {
    if (value.startsWith("redis://") || value.startsWith("rediss://")) {
      try {
        RedisURI.create(value);
        return value;
      } catch (RuntimeException e) {
        // Reported below.
      }
    }
    throw new Options.UsageException(source + " must be a Redis URI such as redis://10.0.0.5:6379: '" + value + "'");
  }

  /** A key prefix that {@link RedisCluster.Builder#keyPrefix} takes. */
  static String keyPrefix(String value, String source) {
    try {
      RedisCluster.builder("redis://unused").keyPrefix(value); // validates, connects to nothing
      return value;
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException(source + " must be a key prefix without braces: '" + value + "'");
    }
  }

  /** A failure timeout that {@link RedisCluster.Builder#failureTimeout} takes. */
  static Duration failureTimeout(String value, String source) {
    Duration timeout = duration(value, source);
    try {
      RedisCluster.builder("redis://unused").failureTimeout(timeout);
      return timeout;
    } catch (IllegalArgumentException e) {
      throw new Options.UsageException(source + " must be at least 400ms: '" + value + "'");
    }
  }
}
