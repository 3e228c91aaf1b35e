package dev.signaling.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.RateLimit;
import dev.signaling.core.SignalingConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command line: every setting from a flag or the environment, the flag winning; clear errors. */
class OptionsTest {

  /** Every setting: flag, variable, a non-default value, what it should read as, and where to look. */
  private record Case(String flag, String env, String value, Object expected, Function<Options, Object> read) {}

  private static final List<Case> CASES = List.of(
      new Case("--transport", "TRANSPORT", "netty", Transport.NETTY, Options::transport),
      new Case("--port", "PORT", "4000", 4000, Options::port),
      new Case("--host", "HOST", "127.0.0.1", "127.0.0.1", Options::host),
      new Case("--duplicate-policy", "DUPLICATE_POLICY", "reject", DuplicatePolicy.REJECT,
          o -> o.config().duplicatePolicy()),
      new Case("--sender-binding", "SENDER_BINDING", "false", false, o -> o.config().senderBinding()),
      new Case("--max-message-bytes", "MAX_MESSAGE_BYTES", "65536", 65536, o -> o.config().maxMessageBytes()),
      new Case("--max-connections", "MAX_CONNECTIONS", "500", 500, o -> o.config().maxConnections()),
      new Case("--max-id-length", "MAX_ID_LENGTH", "64", 64, o -> o.config().maxIdLength()),
      new Case("--max-key-length", "MAX_KEY_LENGTH", "1024", 1024, o -> o.config().maxKeyLength()),
      new Case("--max-roles", "MAX_ROLES", "8", 8, o -> o.config().maxRoles()),
      new Case("--max-role-length", "MAX_ROLE_LENGTH", "32", 32, o -> o.config().maxRoleLength()),
      new Case("--rate-limit", "RATE_LIMIT", "50", 50, o -> o.config().rateLimitPerSecond()),
      new Case("--rate-burst", "RATE_BURST", "5000", 5000, o -> o.config().rateLimitBurst()),
      new Case("--max-queued-bytes", "MAX_QUEUED_BYTES", "1000000", 1_000_000L, o -> o.config().maxQueuedBytes()),
      new Case("--handshake-timeout", "HANDSHAKE_TIMEOUT", "500ms", Duration.ofMillis(500),
          o -> o.config().handshakeTimeout()),
      new Case("--ping-interval", "PING_INTERVAL", "2m", Duration.ofMinutes(2), o -> o.config().pingInterval()),
      new Case("--membership-interval", "MEMBERSHIP_INTERVAL", "200ms", Duration.ofMillis(200),
          o -> o.config().membershipInterval()),
      new Case("--max-connections-per-address", "MAX_CONNECTIONS_PER_ADDRESS", "0", 0,
          o -> o.config().maxConnectionsPerAddress()),
      new Case("--register-timeout", "REGISTER_TIMEOUT", "5s", Duration.ofSeconds(5), o -> o.config().registerTimeout()),
      new Case("--max-total-partial-bytes", "MAX_TOTAL_PARTIAL_BYTES", "1000000", 1_000_000L,
          o -> o.config().maxTotalPartialBytes()),
      new Case("--max-total-queued-bytes", "MAX_TOTAL_QUEUED_BYTES", "2000000", 2_000_000L,
          o -> o.config().maxTotalQueuedBytes()),
      new Case("--fanout-limit", "FANOUT_LIMIT", "100000", new RateLimit(100_000, 400_000), o -> o.config().fanoutLimit()),
      new Case("--fanout-burst", "FANOUT_BURST", "9000000", new RateLimit(1L << 20, 9_000_000),
          o -> o.config().fanoutLimit()),
      new Case("--register-limit", "REGISTER_LIMIT", "3", new RateLimit(3, 15), o -> o.config().registerLimit()),
      new Case("--register-burst", "REGISTER_BURST", "9", new RateLimit(1, 9), o -> o.config().registerLimit()),
      new Case("--register-limit-per-address", "REGISTER_LIMIT_PER_ADDRESS", "20", new RateLimit(20, 200),
          o -> o.config().registerLimitPerAddress()),
      new Case("--register-burst-per-address", "REGISTER_BURST_PER_ADDRESS", "1000", new RateLimit(50, 1000),
          o -> o.config().registerLimitPerAddress()),
      new Case("--tls-keystore", "TLS_KEYSTORE", "/etc/signaling/server.p12", Path.of("/etc/signaling/server.p12"),
          o -> o.tls().path()),
      new Case("--tls-keystore-password", "TLS_KEYSTORE_PASSWORD", "pw", "pw", o -> o.tls().password()),
      new Case("--tls-keystore-type", "TLS_KEYSTORE_TYPE", "JKS", "JKS", o -> o.tls().type()),
      new Case("--allowed-origins", "ALLOWED_ORIGINS", "https://a.example, http://localhost:8080",
          List.of("https://a.example", "http://localhost:8080"), Options::allowedOrigins),
      new Case("--auth", "AUTH", "ed25519", Options.Auth.ED25519, Options::auth),
      new Case("--metrics-port", "METRICS_PORT", "9464", 9464, Options::metricsPort),
      new Case("--cluster", "CLUSTER_URL", "redis://10.0.0.5:6379", "redis://10.0.0.5:6379",
          o -> o.cluster().redisUri()),
      new Case("--cluster-key-prefix", "CLUSTER_KEY_PREFIX", "chat-eu", "chat-eu", o -> o.cluster().keyPrefix()),
      new Case("--cluster-failure-timeout", "CLUSTER_FAILURE_TIMEOUT", "3s", Duration.ofSeconds(3),
          o -> o.cluster().failureTimeout()));

  /** The setting a case needs besides itself, as flag and value: a keystore, or a cluster. */
  private static String[] companion(Case c) {
    if (c.flag().startsWith("--tls-keystore-")) {
      return new String[] {"--tls-keystore", "/k.p12"};
    }
    if (c.flag().startsWith("--cluster-")) {
      return new String[] {"--cluster", "redis://127.0.0.1:6379"};
    }
    return new String[0];
  }

  private static String[] flagsFor(Case c, String value) {
    String[] companion = companion(c);
    return companion.length == 0 ? new String[] {c.flag(), value} : new String[] {c.flag(), value, companion[0], companion[1]};
  }

  private static Map<String, String> envFor(Case c, String value) {
    String[] companion = companion(c);
    return companion.length == 0 ? Map.of(c.env(), value)
        : Map.of(c.env(), value, companion[0].equals("--cluster") ? "CLUSTER_URL" : "TLS_KEYSTORE", companion[1]);
  }

  static Stream<Arguments> cases() {
    return CASES.stream().map(c -> Arguments.of(c.flag(), c));
  }

  @Test
  void withNothingGiven_everythingIsTheProtocolsDefault_onPort3001OfAllInterfaces() {
    Options options = Options.parse(new String[0], Map.of());
    assertThat(options.host()).isEqualTo("0.0.0.0");
    assertThat(options.port()).isEqualTo(3001);
    assertThat(options.transport()).as("Java-WebSocket unless asked").isEqualTo(Transport.JAVA_WEBSOCKET);
    assertThat(options.config()).hasToString(SignalingConfig.defaults().toString());
    assertThat(options.tls()).isNull();
    assertThat(options.allowedOrigins()).isEmpty();
    assertThat(options.auth()).isEqualTo(Options.Auth.NONE);
    assertThat(options.metricsPort()).isEqualTo(Options.NO_METRICS);
    assertThat(options.cluster()).as("no cluster unless asked").isNull();
    assertThat(options.help()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachSetting_comesFromItsFlag(String name, Case c) {
    Options options = Options.parse(flagsFor(c, c.value()), Map.of());
    assertThat(c.read().apply(options)).isEqualTo(c.expected());
    String[] companion = companion(c);
    Options equalsForm = Options.parse(new String[] {c.flag() + "=" + c.value()},
        companion.length == 0 ? Map.of() : envFor(c, c.value()));
    assertThat(c.read().apply(equalsForm)).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachSetting_comesFromItsEnvironmentVariable(String name, Case c) {
    Options options = Options.parse(new String[0], envFor(c, c.value()));
    assertThat(c.read().apply(options)).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachSetting_flagWinsOverEnvironment_evenABadOne(String name, Case c) {
    Options options = Options.parse(flagsFor(c, c.value()), envFor(c, "!bad value!"));
    assertThat(c.read().apply(options)).isEqualTo(c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachSetting_isListedInTheHelp_withItsVariable(String name, Case c) {
    assertThat(Options.USAGE).contains("  " + c.flag() + " ", "env " + c.env() + ", default ");
  }

  @Test
  void theHelpListsNoSettingThatIsNotTested() {
    long listed = Options.USAGE.lines().filter(l -> l.startsWith("  --")).count();
    assertThat(listed).isEqualTo(CASES.size());
  }

  @Test
  void aClusterWithoutOptions_hasRedisClustersDefaults() {
    Options.Cluster cluster = Options.parse(new String[0], Map.of("CLUSTER_URL", "redis://10.0.0.5:6379")).cluster();
    assertThat(cluster).isEqualTo(new Options.Cluster("redis://10.0.0.5:6379", "signaling", Duration.ofSeconds(8)));
  }

  @Test
  void theTransport_eitherName_anyCase_explicitDefaultToo() {
    assertThat(Options.parse(new String[] {"--transport", "java-websocket"}, Map.of("TRANSPORT", "netty")).transport())
        .isEqualTo(Transport.JAVA_WEBSOCKET);
    assertThat(Options.parse(new String[] {"--transport=NETTY"}, Map.of()).transport()).isEqualTo(Transport.NETTY);
  }

  @Test
  void aZeroParticipantsInterval_switchesPacingOff() {
    assertThat(Options.parse(new String[] {"--membership-interval", "0"}, Map.of()).config().membershipInterval())
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void emptyEnvironmentVariablesCountAsUnset() {
    assertThat(Options.parse(new String[0], Map.of("PORT", "", "HOST", " ", "METRICS_PORT", "")))
        .satisfies(o -> {
          assertThat(o.port()).isEqualTo(3001);
          assertThat(o.host()).isEqualTo("0.0.0.0");
          assertThat(o.metricsPort()).isEqualTo(Options.NO_METRICS);
        });
  }

  @Test
  void rateLimit_offOrZero_switchesItOff_andTheBurstDefaultsToTwiceTheRate() {
    assertThat(Options.parse(new String[] {"--rate-limit", "off"}, Map.of()).config().rateLimited()).isFalse();
    assertThat(Options.parse(new String[0], Map.of("RATE_LIMIT", "0")).config().rateLimited()).isFalse();
    SignalingConfig config = Options.parse(new String[] {"--rate-limit", "3000"}, Map.of()).config();
    assertThat(config.rateLimitPerSecond()).isEqualTo(3000);
    assertThat(config.rateLimitBurst()).isEqualTo(6000);
  }

  @Test
  void reliabilityLimits_offOrZero_switchThemOff() {
    SignalingConfig config = Options.parse(new String[] {"--fanout-limit", "off", "--register-limit", "0",
        "--register-limit-per-address", "off", "--register-timeout", "0", "--max-connections-per-address", "0"},
        Map.of()).config();
    assertThat(config.fanoutLimit()).isEqualTo(RateLimit.OFF);
    assertThat(config.registerLimit()).isEqualTo(RateLimit.OFF);
    assertThat(config.registerLimitPerAddress()).isEqualTo(RateLimit.OFF);
    assertThat(config.registerTimeout()).isZero();
    assertThat(config.maxConnectionsPerAddress()).isZero();
  }

  @Test
  void aKeystoreWithoutPasswordOrType_isPkcs12WithAnEmptyPassword() {
    Options.Keystore keystore = Options.parse(new String[] {"--tls-keystore", "k.p12"}, Map.of()).tls();
    assertThat(keystore).isEqualTo(new Options.Keystore(Path.of("k.p12"), "", "PKCS12"));
  }

  @Test
  void thePasswordNeverShowsInToString() {
    Options options = Options.parse(new String[] {"--tls-keystore", "k.p12"}, Map.of("TLS_KEYSTORE_PASSWORD", "hunter2"));
    assertThat(options.tls().password()).isEqualTo("hunter2");
    assertThat(options.toString()).doesNotContain("hunter2").contains("password=***");
  }

  @Test
  void helpWinsEvenOverABadArgument() {
    assertThat(Options.parse(new String[] {"--port", "nope", "--help"}, Map.of()).help()).isTrue();
    assertThat(Options.parse(new String[] {"-h"}, Map.of()).help()).isTrue();
  }

  @Test
  void badValues_areRefusedWithOneLineNamingTheFlagOrVariableAndTheValue() {
    Map<String[], String> bad = new java.util.LinkedHashMap<>();
    bad.put(new String[] {"--port", "abc"}, "--port must be a port number from 0 to 65535: 'abc'");
    bad.put(new String[] {"--port", "65536"}, "--port must be a port number from 0 to 65535: '65536'");
    bad.put(new String[] {"--metrics-port", "-1"}, "--metrics-port must be a port number from 0 to 65535: '-1'");
    bad.put(new String[] {"--max-connections", "0"}, "--max-connections must be a positive whole number: '0'");
    bad.put(new String[] {"--max-message-bytes", "1MiB"}, "--max-message-bytes must be a positive whole number: '1MiB'");
    bad.put(new String[] {"--max-message-bytes", "3000000000"}, "--max-message-bytes must be at most 2147483647: '3000000000'");
    bad.put(new String[] {"--sender-binding", "yes"}, "--sender-binding must be true or false: 'yes'");
    bad.put(new String[] {"--duplicate-policy", "newest"}, "--duplicate-policy must be REPLACE or REJECT: 'newest'");
    bad.put(new String[] {"--ping-interval", "30"}, "--ping-interval must be a positive duration such as 500ms, 10s, 2m or 1h: '30'");
    bad.put(new String[] {"--handshake-timeout", "0s"}, "--handshake-timeout must be a positive duration such as 500ms, 10s, 2m or 1h: '0s'");
    bad.put(new String[] {"--transport", "jetty"}, "--transport must be java-websocket or netty: 'jetty'");
    bad.put(new String[] {"--transport", "javawebsocket"}, "--transport must be java-websocket or netty: 'javawebsocket'");
    bad.put(new String[] {"--auth", "password"}, "--auth must be none or ed25519: 'password'");
    bad.put(new String[] {"--rate-limit", "100", "--rate-burst", "10"}, "the rate burst (10) must be at least the rate limit (100)");
    bad.put(new String[] {"--fanout-limit", "100", "--fanout-burst", "10"}, "--fanout-burst (10) must be at least --fanout-limit (100)");
    bad.put(new String[] {"--register-burst", "0"}, "--register-burst must be a positive whole number: '0'");
    bad.put(new String[] {"--max-connections-per-address", "-1"},
        "--max-connections-per-address must be a positive whole number: '-1'");
    bad.put(new String[] {"--max-total-queued-bytes", "0"}, "--max-total-queued-bytes must be a positive whole number: '0'");
    bad.put(new String[] {"--tls-keystore-password", "x"}, "a TLS keystore password or type needs --tls-keystore (or TLS_KEYSTORE)");
    bad.put(new String[] {"--host", ""}, "--host must not be empty");
    bad.put(new String[] {"--port"}, "--port needs a value");
    bad.put(new String[] {"--verbose"}, "unknown option --verbose (--help lists them all)");
    bad.put(new String[] {"3001"}, "unknown option 3001 (--help lists them all)");
    bad.put(new String[] {"--web-port", "8080"}, "unknown option --web-port (--help lists them all)");
    bad.put(new String[] {"--cluster", "10.0.0.5:6379"},
        "--cluster must be a Redis URI such as redis://10.0.0.5:6379: '10.0.0.5:6379'");
    bad.put(new String[] {"--cluster", "redis://"}, "--cluster must be a Redis URI such as redis://10.0.0.5:6379: 'redis://'");
    bad.put(new String[] {"--cluster", "redis://r:6379", "--cluster-key-prefix", "{x}"},
        "--cluster-key-prefix must be a key prefix without braces: '{x}'");
    bad.put(new String[] {"--cluster", "redis://r:6379", "--cluster-failure-timeout", "100ms"},
        "--cluster-failure-timeout must be at least 400ms: '100ms'");
    bad.put(new String[] {"--cluster-key-prefix", "chat"}, "a cluster key prefix or failure timeout needs --cluster (or CLUSTER_URL)");
    bad.forEach((args, message) -> assertThatThrownBy(() -> Options.parse(args, Map.of()))
        .as(String.join(" ", args))
        .isInstanceOf(Options.UsageException.class)
        .hasMessage(message));
    assertThatThrownBy(() -> Options.parse(new String[] {"--allowed-origins", "https://ok.example,https://x.example/app"}, Map.of()))
        .hasMessageStartingWith("--allowed-origins: ").hasMessageContaining("'https://x.example/app'");
    assertThatThrownBy(() -> Options.parse(new String[0], Map.of("TRANSPORT", "undertow")))
        .hasMessage("TRANSPORT must be java-websocket or netty: 'undertow'");
    assertThatThrownBy(() -> Options.parse(new String[0], Map.of("MAX_ROLES", "many")))
        .as("a bad environment variable is named as such")
        .hasMessage("MAX_ROLES must be a positive whole number: 'many'");
  }
}
