package dev.signaling.core.internal;

import java.util.List;
import java.util.Map;

/**
 * The top-level fields of one client message that the relay reads, as the codec found them.
 * Everything else (a signal's payload in particular) is skipped by the codec, never built.
 *
 * <p>A field holds {@code null} when absent, {@link #JSON_NULL} for a JSON {@code null}, {@link
 * #NOT_A_STRING} for any other non-string value, or the string itself.
 */
final class Inbound {

  /** Marks a field whose value was JSON {@code null}. */
  static final Object JSON_NULL = new Object();
  /** Marks a field whose value was neither a string nor {@code null}. */
  static final Object NOT_A_STRING = new Object();

  String type;
  Object nodeId;
  Object username;
  Object publicKey;
  Object encryptionKey;
  Object from;
  Object to;
  /** The roles when {@code roles} was an array of strings, else {@code null}. */
  List<String> roles;
  /** The scalar members of the {@code auth} object, as text; null when absent. */
  Map<String, String> auth;

  /** The value of a field if it was a non-empty string, else {@code null}. */
  static String nonEmptyString(Object field) {
    return field instanceof String s && !s.isEmpty() ? s : null;
  }
}
