package dev.signaling.examples;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@link ServerMain}, parsed and checked: every setting of the server, from a
 * flag or from an environment variable.
 *
 * <p>A flag wins over its environment variable, which wins over the default; an empty variable
 * counts as unset. {@code --help} anywhere wins over everything else, so that a user who asks for
 * help gets it even after a typo. The defaults are {@link SignalingConfig#defaults()}'s.
 *
 * @param host the interface to bind, {@code 0.0.0.0} by default
 * @param port the TCP port, {@code 3001} by default; {@code 0} picks a free one
 * @param config the protocol's policies and limits
 * @param tls the keystore to serve TLS with, or {@code null} for plain {@code ws://}
 * @param allowedOrigins the browser origins allowed to connect; empty allows any
 * @param auth how registers are authenticated
 * @param metricsPort the port of the Prometheus endpoint, {@code 0} for a free one, or {@code -1}
 *     for none (the default)
 * @param webPort the HTTP port of the browser demo, {@code 0} for a free one, or {@link #NO_WEB}
 *     (the default) for none
 * @param help whether only the usage text was asked for
 */
record Options(
    String host,
    int port,
    SignalingConfig config,
    Keystore tls,
    List<String> allowedOrigins,
    Auth auth,
    int metricsPort,
    int webPort,
    boolean help) {

  static final String DEFAULT_HOST = "0.0.0.0";
  static final int DEFAULT_PORT = 3001;
  static final int NO_METRICS = -1;
  /** {@link #webPort()} when the browser demo is not served. */
  static final int NO_WEB = -1;
  private static final SignalingConfig DEFAULTS = SignalingConfig.defaults();

  /** How registers are authenticated. */
  enum Auth {
    /** Every register is accepted, as by the reference server. */
    NONE,
    /** {@code Ed25519Authenticator}: proof of possession of the nodeId's key. */
    ED25519
  }

  /**
   * A keystore holding the server's key and certificate. Its {@link #toString()} hides the
   * password, so that printing or logging options never shows it.
   *
   * @param path the keystore file
   * @param password the keystore's (and key's) password
   * @param type the keystore type, e.g. {@code PKCS12} or {@code JKS}
   */
  record Keystore(Path path, String password, String type) {
    Keystore {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(type, "type");
    }

    @Override
    public String toString() {
      return "Keystore[path=" + path + ", password=***, type=" + type + "]";
    }
  }

  Options {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(config, "config");
    allowedOrigins = List.copyOf(allowedOrigins);
    Objects.requireNonNull(auth, "auth");
  }

  /** Everything that may be set, in the order of the usage text. */
  private static final List<Setting> SETTINGS = List.of(
      new Setting("--port", "PORT", "N", "TCP port; 0 = any free port", String.valueOf(DEFAULT_PORT),
          (d, v) -> d.port = port(v, d.source)),
      new Setting("--host", "HOST", "H", "interface to bind; 0.0.0.0 = all", DEFAULT_HOST,
          (d, v) -> d.host = v),
      new Setting("--duplicate-policy", "DUPLICATE_POLICY", "P",
          "a second register of a nodeId: REPLACE the first, or REJECT it",
          DEFAULTS.duplicatePolicy().name(), (d, v) -> d.config.duplicatePolicy(duplicatePolicy(v, d.source))),
      new Setting("--sender-binding", "SENDER_BINDING", "B", "a signal's from must be the sender's nodeId: true|false",
          String.valueOf(DEFAULTS.senderBinding()), (d, v) -> d.config.senderBinding(bool(v, d.source))),
      new Setting("--max-message-bytes", "MAX_MESSAGE_BYTES", "N", "larger messages close with 1009",
          String.valueOf(DEFAULTS.maxMessageBytes()), (d, v) -> d.config.maxMessageBytes(positiveInt(v, d.source))),
      new Setting("--max-connections", "MAX_CONNECTIONS", "N", "further upgrades get HTTP 503",
          String.valueOf(DEFAULTS.maxConnections()), (d, v) -> d.config.maxConnections(positiveInt(v, d.source))),
      new Setting("--max-id-length", "MAX_ID_LENGTH", "N", "longest nodeId and username, in chars",
          String.valueOf(DEFAULTS.maxIdLength()), (d, v) -> d.config.maxIdLength(positiveInt(v, d.source))),
      new Setting("--max-key-length", "MAX_KEY_LENGTH", "N", "longest publicKey and encryptionKey, in chars",
          String.valueOf(DEFAULTS.maxKeyLength()), (d, v) -> d.config.maxKeyLength(positiveInt(v, d.source))),
      new Setting("--max-roles", "MAX_ROLES", "N", "most roles in one role-assign",
          String.valueOf(DEFAULTS.maxRoles()), (d, v) -> d.config.maxRoles(positiveInt(v, d.source))),
      new Setting("--max-role-length", "MAX_ROLE_LENGTH", "N", "longest role, in chars",
          String.valueOf(DEFAULTS.maxRoleLength()), (d, v) -> d.config.maxRoleLength(positiveInt(v, d.source))),
      new Setting("--rate-limit", "RATE_LIMIT", "N", "messages per second per connection; 0 or off = no limit",
          String.valueOf(DEFAULTS.rateLimitPerSecond()), (d, v) -> d.rate = rate(v, d.source)),
      new Setting("--rate-burst", "RATE_BURST", "N", "messages allowed in a burst; at least the rate",
          "twice the rate", (d, v) -> d.burst = positiveInt(v, d.source)),
      new Setting("--max-queued-bytes", "MAX_QUEUED_BYTES", "N",
          "unsent bytes for one client before it is closed with 1008",
          String.valueOf(DEFAULTS.maxQueuedBytes()), (d, v) -> d.config.maxQueuedBytes(positiveLong(v, d.source))),
      new Setting("--handshake-timeout", "HANDSHAKE_TIMEOUT", "T", "time for the HTTP request or upgrade, e.g. 10s",
          duration(DEFAULTS.handshakeTimeout()), (d, v) -> d.config.handshakeTimeout(duration(v, d.source))),
      new Setting("--ping-interval", "PING_INTERVAL", "T", "WebSocket ping/pong liveness, e.g. 30s",
          duration(DEFAULTS.pingInterval()), (d, v) -> d.config.pingInterval(duration(v, d.source))),
      new Setting("--membership-interval", "MEMBERSHIP_INTERVAL", "T",
          "membership changes go to a client at most once per T; 0 = at once",
          duration(DEFAULTS.membershipInterval()),
          (d, v) -> d.config.membershipInterval("0".equals(v) ? Duration.ZERO : duration(v, d.source))),
      new Setting("--tls-keystore", "TLS_KEYSTORE", "FILE", "serve wss:// and https:// with this keystore",
          "none: plain ws://", (d, v) -> d.keystore = Path.of(v)),
      new Setting("--tls-keystore-password", "TLS_KEYSTORE_PASSWORD", "P",
          "its password (prefer the variable: flags show in ps)", "empty", (d, v) -> d.keystorePassword = v),
      new Setting("--tls-keystore-type", "TLS_KEYSTORE_TYPE", "T", "its type: PKCS12, JKS", "PKCS12",
          (d, v) -> d.keystoreType = v),
      new Setting("--allowed-origins", "ALLOWED_ORIGINS", "LIST",
          "comma-separated browser origins, e.g. https://app.example.com", "any",
          (d, v) -> d.origins = origins(v, d.source)),
      new Setting("--auth", "AUTH", "MODE", "register authentication: none, or ed25519 (proof of key)",
          "none", (d, v) -> d.auth = auth(v, d.source)),
      new Setting("--metrics-port", "METRICS_PORT", "N", "Prometheus /metrics on this port of the same host; 0 = any free",
          "off", (d, v) -> d.metricsPort = port(v, d.source)),
      new Setting("--web-port", "WEB_PORT", "N", "also serve the browser demo (WebRTC chat) on this HTTP port",
          "off", (d, v) -> d.webPort = port(v, d.source)));

  /** The usage text: every flag with its variable and default. */
  static final String USAGE = usage();

  /**
   * Parses the arguments against the environment.
   *
   * @param args the command-line arguments, {@code --flag value} or {@code --flag=value}
   * @param env the environment; only the variables named in {@link #USAGE} are read
   * @throws UsageException with a one-line message naming the first bad value and where it came from
   */
  static Options parse(String[] args, Map<String, String> env) {
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        return new Options(DEFAULT_HOST, DEFAULT_PORT, DEFAULTS, null, List.of(), Auth.NONE, NO_METRICS, NO_WEB, true);
      }
    }

    Map<String, Setting> byFlag = new HashMap<>();
    SETTINGS.forEach(s -> byFlag.put(s.flag(), s));
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!byFlag.containsKey(name)) {
        throw new UsageException("unknown argument: " + arg);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException(name + " needs a value");
        }
        value = args[++i];
      }
      flags.put(name, value); // the last one wins, as in most tools
    }

    Draft draft = new Draft();
    for (Setting setting : SETTINGS) {
      // The environment is read only where no flag decided, so that a stale variable exported for
      // another tool cannot break an explicit flag. An empty variable counts as unset, as
      // "PORT= mvn ..." and CI templates produce those.
      String value = flags.get(setting.flag());
      draft.source = setting.flag();
      if (value == null) {
        String fromEnv = env.get(setting.env());
        if (fromEnv == null || fromEnv.isBlank()) {
          continue;
        }
        value = fromEnv.strip();
        draft.source = setting.env();
      }
      if (value.isBlank()) {
        throw new UsageException(draft.source + " must not be empty");
      }
      setting.apply().accept(draft, value);
    }
    return draft.build();
  }

  private static String usage() {
    StringBuilder usage = new StringBuilder();
    String nl = System.lineSeparator();
    usage.append("Usage: ServerMain [--option value]... [--help]").append(nl);
    usage.append("Each option may instead come from the environment variable after it; a flag wins.")
        .append(nl);
    for (Setting s : SETTINGS) {
      String flag = s.flag() + " " + s.value();
      usage.append(String.format(Locale.ROOT, "  %-28s %s%n", flag, s.help()));
      usage.append(String.format(Locale.ROOT, "  %-28s env %s, default %s%n", "", s.env(), s.defaultText()));
    }
    usage.append(String.format(Locale.ROOT, "  %-28s %s%n", "-h, --help", "print this text and exit"));
    return usage.toString();
  }

  /** One setting: its flag, variable, a placeholder for its value, help and default. */
  private record Setting(
      String flag, String env, String value, String help, String defaultText, BiConsumer<Draft, String> apply) {}

  /** The values being parsed; {@link #source} names the flag or variable of the current one. */
  private static final class Draft {
    String source;
    String host = DEFAULT_HOST;
    int port = DEFAULT_PORT;
    final SignalingConfig.Builder config = SignalingConfig.builder();
    Integer rate;
    Integer burst;
    Path keystore;
    String keystorePassword;
    String keystoreType;
    List<String> origins = List.of();
    Auth auth = Auth.NONE;
    int metricsPort = NO_METRICS;
    int webPort = NO_WEB;

    Options build() {
      if (rate != null || burst != null) {
        int perSecond = rate != null ? rate : DEFAULTS.rateLimitPerSecond();
        if (perSecond == 0) {
          config.noRateLimit();
        } else {
          int allowed = burst != null ? burst : (int) Math.min(Integer.MAX_VALUE, 2L * perSecond);
          if (allowed < perSecond) {
            throw new UsageException("the rate burst (" + allowed + ") must be at least the rate limit ("
                + perSecond + ")");
          }
          config.rateLimit(perSecond, allowed);
        }
      }
      Keystore tls = null;
      if (keystore != null) {
        tls = new Keystore(keystore, keystorePassword == null ? "" : keystorePassword,
            keystoreType == null ? "PKCS12" : keystoreType);
      } else if (keystorePassword != null || keystoreType != null) {
        throw new UsageException("a TLS keystore password or type needs --tls-keystore (or TLS_KEYSTORE)");
      }
      SignalingConfig built;
      try {
        built = config.build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      return new Options(host, port, built, tls, origins, auth, metricsPort, webPort, false);
    }
  }

  // ------------------------------------------------------------------ value parsers

  private static int port(String value, String source) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below with the same message as an out-of-range number.
    }
    throw new UsageException(source + " must be a port number from 0 to 65535: '" + value + "'");
  }

  private static int positiveInt(String value, String source) {
    long n = positiveLong(value, source);
    if (n > Integer.MAX_VALUE) {
      throw new UsageException(source + " must be at most " + Integer.MAX_VALUE + ": '" + value + "'");
    }
    return (int) n;
  }

  private static long positiveLong(String value, String source) {
    try {
      long n = Long.parseLong(value);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new UsageException(source + " must be a positive whole number: '" + value + "'");
  }

  private static int rate(String value, String source) {
    if (value.equalsIgnoreCase("off") || value.equals("0")) {
      return 0;
    }
    return positiveInt(value, source);
  }

  private static boolean bool(String value, String source) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UsageException(source + " must be true or false: '" + value + "'");
    };
  }

  private static DuplicatePolicy duplicatePolicy(String value, String source) {
    try {
      return DuplicatePolicy.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(source + " must be REPLACE or REJECT: '" + value + "'");
    }
  }

  private static Auth auth(String value, String source) {
    try {
      return Auth.valueOf(value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(source + " must be none or ed25519: '" + value + "'");
    }
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

  private static Duration duration(String value, String source) {
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
    throw new UsageException(source + " must be a positive duration such as 500ms, 10s, 2m or 1h: '" + value + "'");
  }

  /** A duration as {@link #duration(String, String)} reads it, e.g. {@code 10s}. */
  static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static List<String> origins(String value, String source) {
    List<String> origins = new ArrayList<>();
    for (String origin : value.split(",")) {
      if (!origin.isBlank()) {
        origins.add(origin.strip());
      }
    }
    try {
      SignalingServer.builder().allowedOrigins(origins.toArray(String[]::new)); // validates each
    } catch (IllegalArgumentException e) {
      throw new UsageException(source + ": " + e.getMessage());
    }
    return origins;
  }

  /** A bad command line; the message is one line meant for the user. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
