package dev.signaling.core.spi;


import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Which browser origins may open a WebSocket. Browsers always send {@code Origin} with a WebSocket
 * upgrade and scripts cannot change it, so this keeps other sites' pages from using a visitor's
 * browser to connect (cross-site WebSocket hijacking). It cannot restrict other clients, which
 * send any {@code Origin} or none: an upgrade without one is allowed.
 *
 * <p>Origins are compared as RFC 6454 serializes them: scheme and host in lower case, the port
 * only when it is not the scheme's default; {@code "null"} (sandboxed or {@code file:} pages) is
 * a value like any other.
 *
 * <p>A helper for transports (each answers a refused upgrade with HTTP {@code 403}), so that every
 * transport applies the same rules. Immutable and thread-safe.
 */
public final class AllowedOrigins {

  /** Allows every origin: the default, as the reference server. */
  public static final AllowedOrigins ANY = new AllowedOrigins(Set.of());

  private static final String OPAQUE = "null";

  /** Normalized origins; empty means any. */
  private final Set<String> origins;

  private AllowedOrigins(Set<String> origins) {
    this.origins = origins;
  }

  /**
   * The allowlist of {@code origins}; none allows every origin.
   *
   * @param origins the allowed origins ({@code scheme://host[:port]}, or {@code "null"})
   * @return the allowlist ({@link #ANY} when {@code origins} is empty)
   * @throws IllegalArgumentException naming an entry that is not an origin
   */
  public static AllowedOrigins of(Collection<String> origins) {
    Objects.requireNonNull(origins, "origins");
    Set<String> normalized = new LinkedHashSet<>();
    for (String origin : origins) {
      String n = normalize(Objects.requireNonNull(origin, "origin"));
      if (n == null) {
        throw new IllegalArgumentException(
            "not an origin (scheme://host[:port], or null): '" + origin + "'");
      }
      normalized.add(n);
    }
    return normalized.isEmpty() ? ANY : new AllowedOrigins(Set.copyOf(normalized));
  }

  /**
   * Whether every origin is allowed.
   *
   * @return {@code true} when the list is empty
   */
  public boolean allowsAny() {
    return origins.isEmpty();
  }

  /**
   * The normalized entries, for logs and tests.
   *
   * @return the entries, empty when any origin is allowed
   */
  public Set<String> origins() {
    return origins;
  }

  /**
   * Whether an upgrade with these {@code Origin} header values may proceed: any when the list is
   * empty; none (not a browser) is allowed; more than one never is.
   *
   * @param originHeaders every {@code Origin} header value of the upgrade request
   * @return whether the upgrade may proceed
   */
  public boolean allows(List<String> originHeaders) {
    if (origins.isEmpty() || originHeaders.isEmpty()) {
      return true;
    }
    if (originHeaders.size() > 1) {
      return false;
    }
    String origin = normalize(originHeaders.get(0));
    return origin != null && origins.contains(origin);
  }

  /** The RFC 6454 serialization of {@code origin}, or {@code null} when it is not one. */
  static String normalize(String origin) {
    String trimmed = origin.strip();
    if (trimmed.equalsIgnoreCase(OPAQUE)) {
      return OPAQUE;
    }
    URI uri;
    try {
      uri = new URI(trimmed);
    } catch (URISyntaxException e) {
      return null;
    }
    String scheme = uri.getScheme();
    String host = uri.getHost();
    boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty())
        && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
    if (scheme == null || host == null || !bare) {
      return null;
    }
    scheme = scheme.toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort = port == -1
        || (port == 80 && (scheme.equals("http") || scheme.equals("ws")))
        || (port == 443 && (scheme.equals("https") || scheme.equals("wss")));
    return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
  }
}
