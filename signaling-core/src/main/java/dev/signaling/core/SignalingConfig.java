package dev.signaling.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Every policy and limit of the protocol, immutable and validated when built. The defaults are
 * those of the protocol document; {@link #defaults()} returns them.
 *
 * <pre>{@code
 * SignalingConfig config = SignalingConfig.builder()
 *     .duplicatePolicy(DuplicatePolicy.REJECT)
 *     .maxMessageBytes(64 * 1024)
 *     .build();
 * }</pre>
 *
 * <p>The class is long on purpose: every setting has one getter that documents it and one builder
 * setter, and nothing else; splitting it would scatter the one page users read for settings.
 */
public final class SignalingConfig {

  private final DuplicatePolicy duplicatePolicy;
  private final boolean senderBinding;
  private final RolePolicy rolePolicy;
  private final RegistrationAuthenticator authenticator;
  private final int maxMessageBytes;
  private final int maxConnections;
  private final int maxIdLength;
  private final int maxKeyLength;
  private final int maxRoles;
  private final int maxRoleLength;
  private final int rateLimitPerSecond;
  private final int rateLimitBurst;
  private final long maxQueuedBytes;
  private final Duration handshakeTimeout;
  private final Duration pingInterval;
  private final Duration membershipInterval;
  private final int maxConnectionsPerAddress;
  private final Duration registerTimeout;
  private final long maxTotalPartialBytes;
  private final long maxTotalQueuedBytes;
  private final RateLimit fanoutLimit;
  private final RateLimit registerLimit;
  private final RateLimit registerLimitPerAddress;
  private final Ticker ticker;

  private SignalingConfig(Builder b) {
    this.duplicatePolicy = b.duplicatePolicy;
    this.senderBinding = b.senderBinding;
    this.rolePolicy = b.rolePolicy;
    this.authenticator = b.authenticator;
    this.maxMessageBytes = b.maxMessageBytes;
    this.maxConnections = b.maxConnections;
    this.maxIdLength = b.maxIdLength;
    this.maxKeyLength = b.maxKeyLength;
    this.maxRoles = b.maxRoles;
    this.maxRoleLength = b.maxRoleLength;
    this.rateLimitPerSecond = b.rateLimitPerSecond;
    this.rateLimitBurst = b.rateLimitBurst;
    this.maxQueuedBytes = b.maxQueuedBytes;
    this.handshakeTimeout = b.handshakeTimeout;
    this.pingInterval = b.pingInterval;
    this.membershipInterval = b.membershipInterval;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.registerTimeout = b.registerTimeout;
    this.maxTotalPartialBytes = b.maxTotalPartialBytes > 0 ? b.maxTotalPartialBytes : heapShare(8);
    this.maxTotalQueuedBytes = b.maxTotalQueuedBytes > 0 ? b.maxTotalQueuedBytes : heapShare(4);
    this.fanoutLimit = b.fanoutLimit;
    this.registerLimit = b.registerLimit;
    this.registerLimitPerAddress = b.registerLimitPerAddress;
    this.ticker = b.ticker;
  }

  /**
   * A share of the heap this JVM may use ({@link Runtime#maxMemory()}), for the server-wide
   * budgets; a JVM without a heap limit counts as 4 GiB.
   */
  private static long heapShare(int divisor) {
    long max = Runtime.getRuntime().maxMemory();
    return (max == Long.MAX_VALUE ? 4L << 30 : max) / divisor;
  }

  /**
   * The protocol's defaults.
   *
   * @return the protocol's defaults
   */
  public static SignalingConfig defaults() {
    return builder().build();
  }

  /**
   * A builder preset with the protocol's defaults.
   *
   * @return a builder preset with the protocol's defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder preset with this configuration's values.
   *
   * @return this builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * What a register of an already registered nodeId does. Default {@code REPLACE}.
   *
   * @return what a register of an already registered nodeId does
   */
  public DuplicatePolicy duplicatePolicy() {
    return duplicatePolicy;
  }

  /**
   * Whether a signal's {@code from} must equal the sender's nodeId. Default {@code true}.
   *
   * @return whether a signal's {@code from} must equal the sender's nodeId
   */
  public boolean senderBinding() {
    return senderBinding;
  }

  /**
   * Which role assignments are accepted. Default {@link RolePolicy#ALLOW_ALL}.
   *
   * @return which role assignments are accepted
   */
  public RolePolicy rolePolicy() {
    return rolePolicy;
  }

  /**
   * Which registers are allowed. Default {@link RegistrationAuthenticator#ALLOW_ALL}, checked
   * where the register arrives. Any other authenticator runs off the transport's threads, on a
   * small pool of the hub's own (half the cores, one to four threads) with a queue of 256 checks
   * (a register beyond gets {@code rate limit exceeded}), behind {@link #registerLimit()} and
   * {@link #registerLimitPerAddress()}, so that expensive checks never delay other connections'
   * reads, writes or pings. Meanwhile the connection's later messages wait behind its register,
   * in order (up to 64 messages and 64 Ki characters; beyond, {@code rate limit exceeded}).
   *
   * @return which registers are allowed
   */
  public RegistrationAuthenticator authenticator() {
    return authenticator;
  }

  /**
   * Largest accepted message, in bytes of UTF-8; larger closes with {@code 1009}. Default 1 MiB.
   *
   * @return largest accepted message, in bytes of UTF-8
   */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /**
   * Open connections at most; further handshakes get HTTP {@code 503}. Default 10,000.
   *
   * @return open connections at most
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Longest {@code nodeId} and {@code username}, in characters. Default 256.
   *
   * @return longest {@code nodeId} and {@code username}, in characters
   */
  public int maxIdLength() {
    return maxIdLength;
  }

  /**
   * Longest {@code publicKey} and {@code encryptionKey}, in characters. Default 4,096.
   *
   * @return longest {@code publicKey} and {@code encryptionKey}, in characters
   */
  public int maxKeyLength() {
    return maxKeyLength;
  }

  /**
   * Most roles in one {@code role-assign}. Default 64.
   *
   * @return most roles in one {@code role-assign}
   */
  public int maxRoles() {
    return maxRoles;
  }

  /**
   * Longest role, in characters. Default 256.
   *
   * @return longest role, in characters
   */
  public int maxRoleLength() {
    return maxRoleLength;
  }

  /**
   * Messages per second one connection may send, sustained; {@code 0} switches rate limiting
   * off. Default 1,000.
   *
   * @return messages per second one connection may send, sustained
   */
  public int rateLimitPerSecond() {
    return rateLimitPerSecond;
  }

  /**
   * Messages one connection may send in a burst above the sustained rate. Default 2,000.
   *
   * @return messages one connection may send in a burst above the sustained rate
   */
  public int rateLimitBurst() {
    return rateLimitBurst;
  }

  /**
   * Whether rate limiting is on.
   *
   * @return whether rate limiting is on
   */
  public boolean rateLimited() {
    return rateLimitPerSecond > 0;
  }

  /**
   * Unsent bytes that may queue for one connection before it is closed with {@code 1008 slow
   * consumer}. Default 8 MiB.
   *
   * @return unsent bytes that may queue for one connection before it is closed with {@code 1008 slow consumer}
   */
  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }

  /**
   * Time within which an HTTP request or WebSocket handshake must complete. Default 10 s.
   *
   * @return time within which an HTTP request or WebSocket handshake must complete
   */
  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  /**
   * Interval of WebSocket ping/pong liveness checks. Default 30 s.
   *
   * @return interval of WebSocket ping/pong liveness checks
   */
  public Duration pingInterval() {
    return pingInterval;
  }

  /**
   * The pacing interval of membership changes ({@code presence} and {@code participants}) to one
   * client. A lone change is never delayed: when the client got no paced change within the
   * interval, it goes at once, in the same pass as the answer to the register that caused it
   * (the registered connections first, in registration order, the registrant last). Only a
   * change that follows another to the same client within the interval waits, together with
   * whatever is queued behind it, until the slot of this length in which the previous one went
   * has ended (slots are the same for every client, so clients that waited are served together
   * and share one list's bytes): at most one interval. Then the waiting changes go in one batch,
   * in which a waiting {@code participants} list is replaced by a newer one. A connection's answer
   * to its own register neither waits nor counts as a paced change, and nothing waits behind a
   * close the server queues. Events are never dropped or reordered. A join storm of N nodes thus
   * costs each client about one batch per interval instead of N writes and N lists. {@link
   * Duration#ZERO} sends every change at once. Default 50 ms.
   *
   * @return how often at most membership changes ({@code presence} and {@code participants}) go out to one client
   */
  public Duration membershipInterval() {
    return membershipInterval;
  }

  /**
   * Open connections from one remote address at most; further upgrades from it get HTTP {@code
   * 429}. {@code 0} means no cap. Default 256, enough for a NAT of many users. Behind a reverse
   * proxy every client has the proxy's address: set {@code 0} there.
   *
   * @return the per-address cap, {@code 0} for none
   */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /**
   * Time within which an open connection must register; one that has not is closed with {@code
   * 1008 register timeout}, so that idle sockets cannot hoard connection slots (registered means
   * it held a nodeId; a refused register does not count). Checked once a second, so the close
   * comes within a second after the deadline. {@link Duration#ZERO} switches it off. Default 30 s.
   *
   * @return the register timeout, zero for none
   */
  public Duration registerTimeout() {
    return registerTimeout;
  }

  /**
   * Bytes that all connections together may hold in messages still being received (a frame whose
   * payload has not all arrived, the fragments of an unfinished message), each fragment counted
   * with a fixed overhead (see {@code dev.signaling.core.spi.InboundBudget}). A partial message
   * costs the bytes that arrived, never the size its header announces. When the budget is passed,
   * the connections holding the most are closed with {@code 1009}, so memory stays bounded however
   * many connections send at once. Default: an eighth of the maximum heap when the configuration
   * is built.
   *
   * @return the server-wide budget for partial messages, in bytes
   */
  public long maxTotalPartialBytes() {
    return maxTotalPartialBytes;
  }

  /**
   * Unsent bytes that all connections together may hold alone (forwarded signals and answers to
   * one connection; broadcasts are encoded once and shared by every recipient, so they count once
   * and are bounded by {@link #maxQueuedBytes()} per connection). When the budget is passed, the
   * connections holding the most are closed with {@code 1008 slow consumer}. Default: a quarter
   * of the maximum heap when the configuration is built.
   *
   * @return the server-wide budget for unsent bytes, in bytes
   */
  public long maxTotalQueuedBytes() {
    return maxTotalQueuedBytes;
  }

  /**
   * How many bytes one connection may make the server send through messages that fan out
   * (heartbeat, role-assign, and the presence and participants entry a register causes): each
   * is charged its size times its recipients. Beyond it the message is dropped with {@code rate
   * limit exceeded}. One charge above the burst passes when the connection owes nothing (one
   * register among 10,000 nodes always can). Default 1 MiB/s, bursts of 4 MiB: a 5 s heartbeat
   * and occasional role changes at 10,000 nodes use a fifth of it.
   *
   * @return the fan-out limit, in bytes
   */
  public RateLimit fanoutLimit() {
    return fanoutLimit;
  }

  /**
   * Registers one connection may send when an {@link #authenticator()} is set, checked before the
   * authenticator runs (a register over it gets {@code rate limit exceeded}). Without an
   * authenticator a register is cheap and this does not apply. Default 1/s, bursts of 5.
   *
   * @return the per-connection register limit
   */
  public RateLimit registerLimit() {
    return registerLimit;
  }

  /**
   * Registers all connections from one remote address may send when an {@link #authenticator()}
   * is set, checked before the authenticator runs, so that signature checks cannot be turned into
   * a denial of service. Default 50/s, bursts of 500 (a NAT of many users reconnecting at once).
   *
   * @return the per-address register limit
   */
  public RateLimit registerLimitPerAddress() {
    return registerLimitPerAddress;
  }

  /**
   * The monotonic clock used for rate limits. Default {@link Ticker#SYSTEM}.
   *
   * @return the monotonic clock used for rate limits
   */
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public String toString() {
    return "SignalingConfig{duplicatePolicy=" + duplicatePolicy
        + ", senderBinding=" + senderBinding
        + ", maxMessageBytes=" + maxMessageBytes
        + ", maxConnections=" + maxConnections
        + ", maxIdLength=" + maxIdLength
        + ", maxKeyLength=" + maxKeyLength
        + ", maxRoles=" + maxRoles
        + ", maxRoleLength=" + maxRoleLength
        + ", rateLimitPerSecond=" + rateLimitPerSecond
        + ", rateLimitBurst=" + rateLimitBurst
        + ", maxQueuedBytes=" + maxQueuedBytes
        + ", handshakeTimeout=" + handshakeTimeout
        + ", pingInterval=" + pingInterval
        + ", membershipInterval=" + membershipInterval
        + ", maxConnectionsPerAddress=" + maxConnectionsPerAddress
        + ", registerTimeout=" + registerTimeout
        + ", maxTotalPartialBytes=" + maxTotalPartialBytes
        + ", maxTotalQueuedBytes=" + maxTotalQueuedBytes
        + ", fanoutLimit=" + fanoutLimit
        + ", registerLimit=" + registerLimit
        + ", registerLimitPerAddress=" + registerLimitPerAddress + '}';
  }

  /** Builds a {@link SignalingConfig}; {@link #build()} rejects values that make no sense. */
  public static final class Builder {
    private DuplicatePolicy duplicatePolicy = DuplicatePolicy.REPLACE;
    private boolean senderBinding = true;
    private RolePolicy rolePolicy = RolePolicy.ALLOW_ALL;
    private RegistrationAuthenticator authenticator = RegistrationAuthenticator.ALLOW_ALL;
    private int maxMessageBytes = 1 << 20;
    private int maxConnections = 10_000;
    private int maxIdLength = 256;
    private int maxKeyLength = 4096;
    private int maxRoles = 64;
    private int maxRoleLength = 256;
    private int rateLimitPerSecond = 1000;
    private int rateLimitBurst = 2000;
    private long maxQueuedBytes = 8L << 20;
    private Duration handshakeTimeout = Duration.ofSeconds(10);
    private Duration pingInterval = Duration.ofSeconds(30);
    private Duration membershipInterval = Duration.ofMillis(50);
    private int maxConnectionsPerAddress = 256;
    private Duration registerTimeout = Duration.ofSeconds(30);
    /** 0: a share of the heap, decided when built. */
    private long maxTotalPartialBytes;
    private long maxTotalQueuedBytes;
    private RateLimit fanoutLimit = new RateLimit(1L << 20, 4L << 20);
    private RateLimit registerLimit = new RateLimit(1, 5);
    private RateLimit registerLimitPerAddress = new RateLimit(50, 500);
    private Ticker ticker = Ticker.SYSTEM;

    private Builder() {}

    private Builder(SignalingConfig c) {
      duplicatePolicy = c.duplicatePolicy;
      senderBinding = c.senderBinding;
      rolePolicy = c.rolePolicy;
      authenticator = c.authenticator;
      maxMessageBytes = c.maxMessageBytes;
      maxConnections = c.maxConnections;
      maxIdLength = c.maxIdLength;
      maxKeyLength = c.maxKeyLength;
      maxRoles = c.maxRoles;
      maxRoleLength = c.maxRoleLength;
      rateLimitPerSecond = c.rateLimitPerSecond;
      rateLimitBurst = c.rateLimitBurst;
      maxQueuedBytes = c.maxQueuedBytes;
      handshakeTimeout = c.handshakeTimeout;
      pingInterval = c.pingInterval;
      membershipInterval = c.membershipInterval;
      maxConnectionsPerAddress = c.maxConnectionsPerAddress;
      registerTimeout = c.registerTimeout;
      maxTotalPartialBytes = c.maxTotalPartialBytes;
      maxTotalQueuedBytes = c.maxTotalQueuedBytes;
      fanoutLimit = c.fanoutLimit;
      registerLimit = c.registerLimit;
      registerLimitPerAddress = c.registerLimitPerAddress;
      ticker = c.ticker;
    }

    /**
     * See {@link SignalingConfig#duplicatePolicy()}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder duplicatePolicy(DuplicatePolicy policy) {
      this.duplicatePolicy = Objects.requireNonNull(policy, "duplicatePolicy");
      return this;
    }

    /**
     * See {@link SignalingConfig#senderBinding()}.
     *
     * @param on whether it is on
     * @return this builder
     */
    public Builder senderBinding(boolean on) {
      this.senderBinding = on;
      return this;
    }

    /**
     * See {@link SignalingConfig#rolePolicy()}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder rolePolicy(RolePolicy policy) {
      this.rolePolicy = Objects.requireNonNull(policy, "rolePolicy");
      return this;
    }

    /**
     * See {@link SignalingConfig#authenticator()}.
     *
     * @param authenticator the authenticator
     * @return this builder
     */
    public Builder authenticator(RegistrationAuthenticator authenticator) {
      this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
      return this;
    }

    /**
     * See {@link SignalingConfig#maxMessageBytes()}.
     *
     * @param bytes the number of bytes
     * @return this builder
     */
    public Builder maxMessageBytes(int bytes) {
      this.maxMessageBytes = bytes;
      return this;
    }

    /**
     * See {@link SignalingConfig#maxConnections()}.
     *
     * @param connections the number of connections
     * @return this builder
     */
    public Builder maxConnections(int connections) {
      this.maxConnections = connections;
      return this;
    }

    /**
     * See {@link SignalingConfig#maxIdLength()}.
     *
     * @param chars the most characters
     * @return this builder
     */
    public Builder maxIdLength(int chars) {
      this.maxIdLength = chars;
      return this;
    }

    /**
     * See {@link SignalingConfig#maxKeyLength()}.
     *
     * @param chars the most characters
     * @return this builder
     */
    public Builder maxKeyLength(int chars) {
      this.maxKeyLength = chars;
      return this;
    }

    /**
     * See {@link SignalingConfig#maxRoles()}.
     *
     * @param roles the roles
     * @return this builder
     */
    public Builder maxRoles(int roles) {
      this.maxRoles = roles;
      return this;
    }

    /**
     * See {@link SignalingConfig#maxRoleLength()}.
     *
     * @param chars the most characters
     * @return this builder
     */
    public Builder maxRoleLength(int chars) {
      this.maxRoleLength = chars;
      return this;
    }

    /**
     * Sets the per-connection rate limit; {@code perSecond == 0} switches it off.
     *
     * @param perSecond messages per second, sustained
     * @param burst messages allowed in a burst (at least {@code perSecond} when on)
     * @return this builder
     */
    public Builder rateLimit(int perSecond, int burst) {
      this.rateLimitPerSecond = perSecond;
      this.rateLimitBurst = burst;
      return this;
    }

    /**
     * Switches the per-connection rate limit off (for throughput benchmarks).
     *
     * @return this builder
     */
    public Builder noRateLimit() {
      return rateLimit(0, 0);
    }

    /**
     * See {@link SignalingConfig#maxQueuedBytes()}.
     *
     * @param bytes the number of bytes
     * @return this builder
     */
    public Builder maxQueuedBytes(long bytes) {
      this.maxQueuedBytes = bytes;
      return this;
    }

    /**
     * See {@link SignalingConfig#handshakeTimeout()}.
     *
     * @param timeout the timeout
     * @return this builder
     */
    public Builder handshakeTimeout(Duration timeout) {
      this.handshakeTimeout = Objects.requireNonNull(timeout, "handshakeTimeout");
      return this;
    }

    /**
     * See {@link SignalingConfig#pingInterval()}.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder pingInterval(Duration interval) {
      this.pingInterval = Objects.requireNonNull(interval, "pingInterval");
      return this;
    }

    /**
     * See {@link SignalingConfig#membershipInterval()}.
     *
     * @param interval the interval
     * @return this builder
     */
    public Builder membershipInterval(Duration interval) {
      this.membershipInterval = Objects.requireNonNull(interval, "membershipInterval");
      return this;
    }

    /**
     * See {@link SignalingConfig#maxConnectionsPerAddress()}; {@code 0} means no cap.
     *
     * @param connections connections from one address at most, {@code 0} for no cap
     * @return this builder
     */
    public Builder maxConnectionsPerAddress(int connections) {
      this.maxConnectionsPerAddress = connections;
      return this;
    }

    /**
     * See {@link SignalingConfig#registerTimeout()}; {@link Duration#ZERO} switches it off.
     *
     * @param timeout the timeout, {@link Duration#ZERO} for none
     * @return this builder
     */
    public Builder registerTimeout(Duration timeout) {
      this.registerTimeout = Objects.requireNonNull(timeout, "registerTimeout");
      return this;
    }

    /**
     * See {@link SignalingConfig#maxTotalPartialBytes()}.
     *
     * @param bytes the budget, in bytes
     * @return this builder
     */
    public Builder maxTotalPartialBytes(long bytes) {
      positive("maxTotalPartialBytes", bytes);
      this.maxTotalPartialBytes = bytes;
      return this;
    }

    /**
     * See {@link SignalingConfig#maxTotalQueuedBytes()}.
     *
     * @param bytes the budget, in bytes
     * @return this builder
     */
    public Builder maxTotalQueuedBytes(long bytes) {
      positive("maxTotalQueuedBytes", bytes);
      this.maxTotalQueuedBytes = bytes;
      return this;
    }

    /**
     * See {@link SignalingConfig#fanoutLimit()}.
     *
     * @param bytesPerSecond bytes a second, sustained
     * @param burstBytes bytes at once, at least {@code bytesPerSecond}
     * @return this builder
     */
    public Builder fanoutLimit(long bytesPerSecond, long burstBytes) {
      this.fanoutLimit = new RateLimit(bytesPerSecond, burstBytes);
      return this;
    }

    /**
     * Switches the fan-out limit off (for benchmarks).
     *
     * @return this builder
     */
    public Builder noFanoutLimit() {
      this.fanoutLimit = RateLimit.OFF;
      return this;
    }

    /**
     * See {@link SignalingConfig#registerLimit()}; {@link RateLimit#OFF} switches it off.
     *
     * @param limit registers a second and at once
     * @return this builder
     */
    public Builder registerLimit(RateLimit limit) {
      this.registerLimit = Objects.requireNonNull(limit, "registerLimit");
      return this;
    }

    /**
     * See {@link SignalingConfig#registerLimitPerAddress()}; {@link RateLimit#OFF} switches it off.
     *
     * @param limit registers a second and at once
     * @return this builder
     */
    public Builder registerLimitPerAddress(RateLimit limit) {
      this.registerLimitPerAddress = Objects.requireNonNull(limit, "registerLimitPerAddress");
      return this;
    }

    /**
     * See {@link SignalingConfig#ticker()}.
     *
     * @param ticker the time source
     * @return this builder
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException naming the first value that makes no sense
     */
    public SignalingConfig build() {
      positive("maxMessageBytes", maxMessageBytes);
      positive("maxConnections", maxConnections);
      positive("maxIdLength", maxIdLength);
      positive("maxKeyLength", maxKeyLength);
      positive("maxRoles", maxRoles);
      positive("maxRoleLength", maxRoleLength);
      positive("maxQueuedBytes", maxQueuedBytes);
      if (maxConnectionsPerAddress < 0) {
        throw new IllegalArgumentException("maxConnectionsPerAddress must be >= 0: " + maxConnectionsPerAddress);
      }
      if (registerTimeout.isNegative() || registerTimeout.compareTo(MAX_NANOS) > 0) {
        throw new IllegalArgumentException(
            "registerTimeout must be >= 0 and fit in a long of nanoseconds: " + registerTimeout);
      }
      if (rateLimitPerSecond < 0) {
        throw new IllegalArgumentException("rateLimitPerSecond must be >= 0: " + rateLimitPerSecond);
      }
      if (rateLimitPerSecond > 0 && rateLimitBurst < rateLimitPerSecond) {
        throw new IllegalArgumentException(
            "rateLimitBurst must be >= rateLimitPerSecond: " + rateLimitBurst + " < " + rateLimitPerSecond);
      }
      positive("handshakeTimeout", handshakeTimeout);
      positive("pingInterval", pingInterval);
      if (membershipInterval.isNegative() || membershipInterval.compareTo(MAX_NANOS) > 0) {
        throw new IllegalArgumentException(
            "membershipInterval must be >= 0 and fit in a long of nanoseconds: " + membershipInterval);
      }
      return new SignalingConfig(this);
    }

    /** The longest duration whose nanoseconds fit in a long (the relay measures with nanoTime). */
    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private static void positive(String name, long value) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be > 0: " + value);
      }
    }

    private static void positive(String name, Duration value) {
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0: " + value);
      }
    }
  }
}
