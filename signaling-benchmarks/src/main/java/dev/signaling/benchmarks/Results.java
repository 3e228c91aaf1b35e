package dev.signaling.benchmarks;

import java.lang.reflect.RecordComponent;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A workload's result record as one line of {@code name=value} pairs (nested records flattened
 * as {@code outer.inner}, values URL-encoded), so that {@code compare} can run each measurement
 * in a generator JVM of its own and read the result back.
 */
final class Results {

  static final String PREFIX = "RESULT ";

  private Results() {}

  static String line(Record result) {
    StringBuilder sb = new StringBuilder(PREFIX);
    append(sb, "", result);
    return sb.toString().trim();
  }

  private static void append(StringBuilder sb, String prefix, Record record) {
    for (RecordComponent c : record.getClass().getRecordComponents()) {
      Object value;
      try {
        value = c.getAccessor().invoke(record);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      if (value instanceof Record nested) {
        append(sb, prefix + c.getName() + ".", nested);
      } else {
        sb.append(prefix).append(c.getName()).append('=')
            .append(URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8)).append(' ');
      }
    }
  }

  static Map<String, String> parse(String line) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : line.substring(PREFIX.length()).trim().split(" ")) {
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return values;
  }
}
