package dev.signaling.benchmarks;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The servers a workload can run against. A <em>contender</em> is one of our transports; {@code
 * compare} measures every contender against the ceiling in the same run, so adding a transport
 * is one constant here (and its dependency in the pom).
 */
enum ServerKind {
  /** Our server on the default transport, Java-WebSocket, configured by {@link #oursConfig()}. */
  OURS("ours", "ours (Java-WebSocket)", Role.CONTENDER, () -> {
    var server = dev.signaling.transport.javawebsocket.SignalingServer.builder()
        .host(ServerKind.HOST).port(0).config(oursConfig()).start();
    return new Running(server.port(), server, server.hub());
  }),
  /** Our server on the Netty transport, configured by {@link #oursConfig()}. */
  NETTY("netty", "ours (Netty)", Role.CONTENDER, () -> {
    var server = dev.signaling.transport.netty.SignalingServer.builder()
        .host(ServerKind.HOST).port(0).config(oursConfig()).start();
    return new Running(server.port(), server::close, server.hub());
  }),
  /** The transport's limit: {@link CeilingServer} answering each registrant. */
  CEILING("ceiling", "ceiling", Role.CEILING,
      () -> CeilingServer.running(CeilingServer.Mode.ANSWER_REGISTRANT, false)),
  /** The ceiling sending every full participants list to every node on each join. */
  CEILING_FULL("ceiling-full", "ceiling (full lists)", Role.CEILING,
      () -> CeilingServer.running(CeilingServer.Mode.FULL_LISTS, false)),
  /**
   * The ceiling accepting every pending connection per selector pass (see {@link
   * CeilingServer#onConnect}): what the accept rate of Java-WebSocket gains when raised from our side.
   */
  CEILING_ACCEPT_ALL("ceiling-accept-all", "ceiling, all pending accepted per pass", Role.CEILING,
      () -> CeilingServer.running(CeilingServer.Mode.ANSWER_REGISTRANT, true)),
  /** The do-nothing raw NIO server that shows what the generator can drive. */
  RAW("raw", "raw", Role.RAW, () -> {
    RawServer server = new RawServer();
    return new Running(server.port(), server, null);
  });

  /** Where every server under test listens (port 0: ephemeral). */
  static final String HOST = "127.0.0.1";

  /** What a kind is for in a comparison. */
  enum Role {
    /** One of our transports: measured and reported against the ceiling. */
    CONTENDER,
    /** A Java-WebSocket relay doing the least work: what the ratios divide by. */
    CEILING,
    /** Shows what the generator can drive. */
    RAW
  }

  /** Starts a server in the current JVM. */
  @FunctionalInterface
  interface Starter {
    Running start() throws Exception;
  }

  final String label;
  /** The name in tables and the chart. */
  final String title;
  final Role role;
  private final Starter starter;

  ServerKind(String label, String title, Role role, Starter starter) {
    this.label = label;
    this.title = title;
    this.role = role;
    this.starter = starter;
  }

  static ServerKind of(String label) {
    for (ServerKind k : values()) {
      if (k.label.equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown server kind: " + label);
  }

  /** Every contender, the default transport ({@link #OURS}) first. */
  static List<ServerKind> contenders() {
    return Arrays.stream(values()).filter(k -> k.role == Role.CONTENDER).toList();
  }

  /** Whether a registered node's last participants list names every node (else it names at least itself). */
  boolean sendsFullLists() {
    return role == Role.CONTENDER || this == CEILING_FULL;
  }

  /**
   * The configuration every transport of ours runs with in every workload: the defaults, except
   * the limits a benchmark would trip by design:
   *
   * <ul>
   *   <li>no message rate limit (the relay and latency workloads send thousands per second per
   *       connection);
   *   <li>no fan-out limit (the fan-out workload searches for the largest N the server delivers,
   *       not for the budget's edge);
   *   <li>no per-address connection cap (every generated connection comes from 127.0.0.1);
   *   <li>no register timeout (the connect workload holds thousands of upgraded connections
   *       that never register, for as long as opening them all takes on a loaded machine).
   * </ul>
   *
   * The register limits apply only with an authenticator (none here); the server-wide budgets,
   * the connection limit (10,000) and everything else stay at their defaults. The system
   * property {@code bench.membershipInterval} (milliseconds, 0 = off) overrides the membership
   * interval, for before/after runs: {@code -Dbench.serverJvmArgs=-Dbench.membershipInterval=0}.
   */
  static SignalingConfig oursConfig() {
    SignalingConfig.Builder config = SignalingConfig.builder()
        .noRateLimit()
        .noFanoutLimit()
        .maxConnectionsPerAddress(0)
        .registerTimeout(Duration.ZERO);
    String interval = System.getProperty("bench.membershipInterval");
    if (interval != null) {
      config.membershipInterval(Duration.ofMillis(Long.parseLong(interval)));
    }
    return config.build();
  }

  /** Starts this server in the current JVM on a loopback ephemeral port. */
  Running start() throws Exception {
    return starter.start();
  }

  /** A started server; {@code hub} is null for servers that are not ours. */
  record Running(int port, AutoCloseable server, SignalingHub hub) implements AutoCloseable {
    /** What the server counted, if it counts (ours: closes by code, errors by text). */
    String stats() {
      if (hub == null) {
        return "-";
      }
      var m = hub.metrics();
      return "closes=" + m.closes() + " errors=" + m.errors() + " open=" + m.connectionsOpen() + " nodes="
          + m.nodesRegistered() + " out=" + m.messagesOut() + " bytesOut=" + m.bytesOut();
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }
}
