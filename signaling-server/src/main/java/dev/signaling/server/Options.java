package dev.signaling.server;

import dev.signaling.core.RateLimit;
import dev.signaling.core.SignalingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

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
 * @param transport the transport that serves the port, Java-WebSocket by default
 * @param config the protocol's policies and limits
 * @param tls the keystore to serve TLS with, or {@code null} for plain {@code ws://}
 * @param allowedOrigins the browser origins allowed to connect; empty allows any
 * @param auth how registers are authenticated
 * @param metricsPort the port of the Prometheus endpoint, {@code 0} for a free one, or {@link
 *     #NO_METRICS} (the default) for none
 * @param cluster the Redis cluster to join, or {@code null} to run alone (the default)
 * @param help whether only the usage text was asked for
 */
record Options(
    String host,
    int port,
    Transport transport,
    SignalingConfig config,
    Keystore tls,
    List<String> allowedOrigins,
    Auth auth,
    int metricsPort,
    Cluster cluster,
    boolean help) {

  static final String DEFAULT_HOST = "0.0.0.0";
  static final int DEFAULT_PORT = 3001;
  static final Transport DEFAULT_TRANSPORT = Transport.JAVA_WEBSOCKET;
  /** {@link #metricsPort()} when no metrics are served. */
  static final int NO_METRICS = -1;
  static final String DEFAULT_KEY_PREFIX = "signaling";
  static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(8);
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

  /**
   * Cluster mode: the Redis every server of the cluster shares, with {@code RedisCluster}'s options.
   *
   * @param redisUri e.g. {@code redis://10.0.0.5:6379}
   * @param keyPrefix the prefix of every key and channel; the same on every server of one cluster
   * @param failureTimeout how long a silent server keeps its nodes; the same on every server
   */
  record Cluster(String redisUri, String keyPrefix, Duration failureTimeout) {
    Cluster {
      Objects.requireNonNull(redisUri, "redisUri");
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      Objects.requireNonNull(failureTimeout, "failureTimeout");
    }
  }

  Options {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(transport, "transport");
    Objects.requireNonNull(config, "config");
    allowedOrigins = List.copyOf(allowedOrigins);
    Objects.requireNonNull(auth, "auth");
  }

  /** Everything that may be set, in the order of the usage text. */
  private static final List<Setting> SETTINGS = List.of(
      new Setting("--transport", "TRANSPORT", "NAME", "the WebSocket transport: java-websocket, or netty (epoll, every core)",
          DEFAULT_TRANSPORT.flagValue(), (d, v) -> d.transport = Values.transport(v, d.source)),
      new Setting("--port", "PORT", "N", "TCP port; 0 = any free port", String.valueOf(DEFAULT_PORT),
          (d, v) -> d.port = Values.port(v, d.source)),
      new Setting("--host", "HOST", "H", "interface to bind; 0.0.0.0 = all", DEFAULT_HOST,
          (d, v) -> d.host = v),
      new Setting("--duplicate-policy", "DUPLICATE_POLICY", "P",
          "a second register of a nodeId: REPLACE the first, or REJECT it",
          DEFAULTS.duplicatePolicy().name(), (d, v) -> d.config.duplicatePolicy(Values.duplicatePolicy(v, d.source))),
      new Setting("--sender-binding", "SENDER_BINDING", "B", "a signal's from must be the sender's nodeId: true|false",
          String.valueOf(DEFAULTS.senderBinding()), (d, v) -> d.config.senderBinding(Values.bool(v, d.source))),
      new Setting("--max-message-bytes", "MAX_MESSAGE_BYTES", "N", "larger messages close with 1009",
          String.valueOf(DEFAULTS.maxMessageBytes()), (d, v) -> d.config.maxMessageBytes(Values.positiveInt(v, d.source))),
      new Setting("--max-connections", "MAX_CONNECTIONS", "N", "further upgrades get HTTP 503",
          String.valueOf(DEFAULTS.maxConnections()), (d, v) -> d.config.maxConnections(Values.positiveInt(v, d.source))),
      new Setting("--max-id-length", "MAX_ID_LENGTH", "N", "longest nodeId and username, in chars",
          String.valueOf(DEFAULTS.maxIdLength()), (d, v) -> d.config.maxIdLength(Values.positiveInt(v, d.source))),
      new Setting("--max-key-length", "MAX_KEY_LENGTH", "N", "longest publicKey and encryptionKey, in chars",
          String.valueOf(DEFAULTS.maxKeyLength()), (d, v) -> d.config.maxKeyLength(Values.positiveInt(v, d.source))),
      new Setting("--max-roles", "MAX_ROLES", "N", "most roles in one role-assign",
          String.valueOf(DEFAULTS.maxRoles()), (d, v) -> d.config.maxRoles(Values.positiveInt(v, d.source))),
      new Setting("--max-role-length", "MAX_ROLE_LENGTH", "N", "longest role, in chars",
          String.valueOf(DEFAULTS.maxRoleLength()), (d, v) -> d.config.maxRoleLength(Values.positiveInt(v, d.source))),
      new Setting("--rate-limit", "RATE_LIMIT", "N", "messages per second per connection; 0 or off = no limit",
          String.valueOf(DEFAULTS.rateLimitPerSecond()), (d, v) -> d.rate = Values.rate(v, d.source)),
      new Setting("--rate-burst", "RATE_BURST", "N", "messages allowed in a burst; at least the rate",
          "twice the rate", (d, v) -> d.burst = Values.positiveInt(v, d.source)),
      new Setting("--max-queued-bytes", "MAX_QUEUED_BYTES", "N",
          "unsent bytes for one client before it is closed with 1008",
          String.valueOf(DEFAULTS.maxQueuedBytes()), (d, v) -> d.config.maxQueuedBytes(Values.positiveLong(v, d.source))),
      new Setting("--handshake-timeout", "HANDSHAKE_TIMEOUT", "T", "time for the HTTP request or upgrade, e.g. 10s",
          Values.duration(DEFAULTS.handshakeTimeout()), (d, v) -> d.config.handshakeTimeout(Values.duration(v, d.source))),
      new Setting("--ping-interval", "PING_INTERVAL", "T", "WebSocket ping/pong liveness, e.g. 30s",
          Values.duration(DEFAULTS.pingInterval()), (d, v) -> d.config.pingInterval(Values.duration(v, d.source))),
      new Setting("--membership-interval", "MEMBERSHIP_INTERVAL", "T",
          "membership changes go to a client at most once per T; 0 = at once",
          Values.duration(DEFAULTS.membershipInterval()),
          (d, v) -> d.config.membershipInterval("0".equals(v) ? Duration.ZERO : Values.duration(v, d.source))),
      new Setting("--max-connections-per-address", "MAX_CONNECTIONS_PER_ADDRESS", "N",
          "further upgrades from one address get HTTP 429; 0 = no cap (behind a proxy)",
          String.valueOf(DEFAULTS.maxConnectionsPerAddress()),
          (d, v) -> d.config.maxConnectionsPerAddress(Values.nonNegativeInt(v, d.source))),
      new Setting("--register-timeout", "REGISTER_TIMEOUT", "T", "close a connection that has not registered by then; 0 = never",
          Values.duration(DEFAULTS.registerTimeout()),
          (d, v) -> d.config.registerTimeout("0".equals(v) ? Duration.ZERO : Values.duration(v, d.source))),
      new Setting("--max-total-partial-bytes", "MAX_TOTAL_PARTIAL_BYTES", "N",
          "bytes all clients may hold in messages still arriving", "an eighth of the heap",
          (d, v) -> d.config.maxTotalPartialBytes(Values.positiveLong(v, d.source))),
      new Setting("--max-total-queued-bytes", "MAX_TOTAL_QUEUED_BYTES", "N",
          "unsent bytes all clients may hold alone; the largest are closed 1008", "a quarter of the heap",
          (d, v) -> d.config.maxTotalQueuedBytes(Values.positiveLong(v, d.source))),
      new Setting("--fanout-limit", "FANOUT_LIMIT", "N", "bytes per second one client may make the server send; 0 or off = none",
          String.valueOf(DEFAULTS.fanoutLimit().perSecond()), (d, v) -> d.fanout.rate = Values.rateLong(v, d.source)),
      new Setting("--fanout-burst", "FANOUT_BURST", "N", "bytes of fan-out allowed at once; at least the limit",
          "four times the limit", (d, v) -> d.fanout.burst = Values.positiveLong(v, d.source)),
      new Setting("--register-limit", "REGISTER_LIMIT", "N", "registers per second per connection, with --auth; 0 or off = none",
          String.valueOf(DEFAULTS.registerLimit().perSecond()), (d, v) -> d.registers.rate = Values.rateLong(v, d.source)),
      new Setting("--register-burst", "REGISTER_BURST", "N", "registers allowed at once per connection",
          "five times the limit", (d, v) -> d.registers.burst = Values.positiveLong(v, d.source)),
      new Setting("--register-limit-per-address", "REGISTER_LIMIT_PER_ADDRESS", "N",
          "registers per second per remote address, with --auth; 0 or off = none",
          String.valueOf(DEFAULTS.registerLimitPerAddress().perSecond()),
          (d, v) -> d.addressRegisters.rate = Values.rateLong(v, d.source)),
      new Setting("--register-burst-per-address", "REGISTER_BURST_PER_ADDRESS", "N",
          "registers allowed at once per remote address", "ten times the limit",
          (d, v) -> d.addressRegisters.burst = Values.positiveLong(v, d.source)),
      new Setting("--tls-keystore", "TLS_KEYSTORE", "FILE", "serve wss:// and https:// with this keystore",
          "none: plain ws://", (d, v) -> d.keystore = Path.of(v)),
      new Setting("--tls-keystore-password", "TLS_KEYSTORE_PASSWORD", "P",
          "its password (prefer the variable: flags show in ps)", "empty", (d, v) -> d.keystorePassword = v),
      new Setting("--tls-keystore-type", "TLS_KEYSTORE_TYPE", "T", "its type: PKCS12, JKS", "PKCS12",
          (d, v) -> d.keystoreType = v),
      new Setting("--allowed-origins", "ALLOWED_ORIGINS", "LIST",
          "comma-separated browser origins, e.g. https://app.example.com", "any",
          (d, v) -> d.origins = Values.origins(v, d.source)),
      new Setting("--auth", "AUTH", "MODE", "register authentication: none, or ed25519 (proof of key)",
          "none", (d, v) -> d.auth = Values.auth(v, d.source)),
      new Setting("--metrics-port", "METRICS_PORT", "N", "Prometheus /metrics on this port of the same host; 0 = any free",
          "off", (d, v) -> d.metricsPort = Values.port(v, d.source)),
      new Setting("--cluster", "CLUSTER_URL", "URL", "act as one server with all others on this Redis, e.g. redis://10.0.0.5:6379",
          "off: this server alone", (d, v) -> d.clusterUri = Values.redisUri(v, d.source)),
      new Setting("--cluster-key-prefix", "CLUSTER_KEY_PREFIX", "P", "prefix of the cluster's Redis keys; the same on every server",
          DEFAULT_KEY_PREFIX, (d, v) -> d.keyPrefix = Values.keyPrefix(v, d.source)),
      new Setting("--cluster-failure-timeout", "CLUSTER_FAILURE_TIMEOUT", "T",
          "a server silent this long loses its nodes; the same on every server",
          Values.duration(DEFAULT_FAILURE_TIMEOUT), (d, v) -> d.failureTimeout = Values.failureTimeout(v, d.source)));

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
        return new Options(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TRANSPORT, DEFAULTS, null, List.of(), Auth.NONE, NO_METRICS, null, true);
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
        throw new UsageException("unknown option " + arg + " (--help lists them all)");
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
    usage.append("Usage: java -jar signaling-server.jar [--option value]... [--help]").append(nl);
    usage.append("Each option may instead come from the environment variable after it; a flag wins.")
        .append(nl);
    for (Setting s : SETTINGS) {
      String flag = s.flag() + " " + s.value();
      usage.append(String.format(Locale.ROOT, "  %-34s %s%n", flag, s.help()));
      usage.append(String.format(Locale.ROOT, "  %-34s env %s, default %s%n", "", s.env(), s.defaultText()));
    }
    usage.append(String.format(Locale.ROOT, "  %-34s %s%n", "-h, --help", "print this text and exit"));
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
    Transport transport = DEFAULT_TRANSPORT;
    final SignalingConfig.Builder config = SignalingConfig.builder();
    Integer rate;
    Integer burst;
    final RateFlags fanout = new RateFlags("--fanout-limit", "--fanout-burst", DEFAULTS.fanoutLimit(), 4);
    final RateFlags registers = new RateFlags("--register-limit", "--register-burst", DEFAULTS.registerLimit(), 5);
    final RateFlags addressRegisters = new RateFlags(
        "--register-limit-per-address", "--register-burst-per-address", DEFAULTS.registerLimitPerAddress(), 10);
    Path keystore;
    String keystorePassword;
    String keystoreType;
    List<String> origins = List.of();
    Auth auth = Auth.NONE;
    int metricsPort = NO_METRICS;
    String clusterUri;
    String keyPrefix;
    Duration failureTimeout;

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
      RateLimit fanoutLimit = fanout.limit();
      if (fanoutLimit.isOn()) {
        config.fanoutLimit(fanoutLimit.perSecond(), fanoutLimit.burst());
      } else {
        config.noFanoutLimit();
      }
      config.registerLimit(registers.limit());
      config.registerLimitPerAddress(addressRegisters.limit());
      Keystore tls = null;
      if (keystore != null) {
        tls = new Keystore(keystore, keystorePassword == null ? "" : keystorePassword,
            keystoreType == null ? "PKCS12" : keystoreType);
      } else if (keystorePassword != null || keystoreType != null) {
        throw new UsageException("a TLS keystore password or type needs --tls-keystore (or TLS_KEYSTORE)");
      }
      Cluster cluster = null;
      if (clusterUri != null) {
        cluster = new Cluster(clusterUri, keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix,
            failureTimeout == null ? DEFAULT_FAILURE_TIMEOUT : failureTimeout);
      } else if (keyPrefix != null || failureTimeout != null) {
        throw new UsageException("a cluster key prefix or failure timeout needs --cluster (or CLUSTER_URL)");
      }
      SignalingConfig built;
      try {
        built = config.build();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      return new Options(host, port, transport, built, tls, origins, auth, metricsPort, cluster, false);
    }
  }

  /**
   * A rate limit given as two flags, a rate and a burst: the burst defaults to a multiple of the
   * rate when only the rate is given.
   */
  private static final class RateFlags {
    private final String rateFlag;
    private final String burstFlag;
    private final RateLimit defaults;
    private final int burstPerRate;
    Long rate;
    Long burst;

    RateFlags(String rateFlag, String burstFlag, RateLimit defaults, int burstPerRate) {
      this.rateFlag = rateFlag;
      this.burstFlag = burstFlag;
      this.defaults = defaults;
      this.burstPerRate = burstPerRate;
    }

    RateLimit limit() {
      long perSecond = rate != null ? rate : defaults.perSecond();
      if (perSecond == 0) {
        return RateLimit.OFF;
      }
      long allowed = burst != null ? burst : rate == null ? defaults.burst() : timesBurst(perSecond);
      if (allowed < perSecond) {
        throw new UsageException(burstFlag + " (" + allowed + ") must be at least " + rateFlag + " (" + perSecond + ")");
      }
      return new RateLimit(perSecond, allowed);
    }

    private long timesBurst(long perSecond) {
      return perSecond > Long.MAX_VALUE / burstPerRate ? Long.MAX_VALUE : perSecond * burstPerRate;
    }
  }

  /** A bad command line; the message is one line meant for the user. */
  static final class UsageException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
