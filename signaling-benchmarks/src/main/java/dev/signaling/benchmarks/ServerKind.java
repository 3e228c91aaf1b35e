package dev.signaling.benchmarks;

import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.time.Duration;

/** The servers a workload can run against. */
enum ServerKind {
  /** Our server: {@link SignalingServer} with the rate limit off, everything else default. */
  OURS("ours"),
  /** The transport's limit: {@link CeilingServer} answering each registrant. */
  CEILING("ceiling"),
  /** The ceiling sending every full participants list to every node on each join. */
  CEILING_FULL("ceiling-full"),
  /** The do-nothing raw NIO server that shows what the generator can drive. */
  RAW("raw");

  final String label;

  ServerKind(String label) {
    this.label = label;
  }

  static ServerKind of(String label) {
    for (ServerKind k : values()) {
      if (k.label.equals(label)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown server kind: " + label);
  }

  /** Whether a registered node's last participants list names every node (else it names at least itself). */
  boolean sendsFullLists() {
    return this == OURS || this == CEILING_FULL;
  }

  /**
   * The configuration our server runs with in every workload: the rate limit is off, and so is the
   * per-address connection limit (the load generator opens every connection from one loopback
   * address). The system
   * property {@code bench.membershipInterval} (milliseconds, 0 = off) overrides the membership
   * interval, for before/after runs: {@code -Dbench.serverJvmArgs=-Dbench.membershipInterval=0}.
   */
  static SignalingConfig oursConfig() {
    SignalingConfig.Builder config = SignalingConfig.builder().noRateLimit().maxConnectionsPerAddress(0);
    String interval = System.getProperty("bench.membershipInterval");
    if (interval != null) {
      config.membershipInterval(Duration.ofMillis(Long.parseLong(interval)));
    }
    return config.build();
  }

  /** Starts this server in the current JVM on a loopback ephemeral port. */
  Running start() throws Exception {
    switch (this) {
      case OURS -> {
        SignalingServer server = SignalingServer.builder().host("127.0.0.1").port(0).config(oursConfig()).start();
        return new Running(server.port(), server);
      }
      case CEILING, CEILING_FULL -> {
        CeilingServer server = new CeilingServer(
            this == CEILING ? CeilingServer.Mode.ANSWER_REGISTRANT : CeilingServer.Mode.FULL_LISTS);
        return new Running(server.startAndGetPort(), server);
      }
      case RAW -> {
        RawServer server = new RawServer();
        return new Running(server.port(), server);
      }
      default -> throw new AssertionError(this);
    }
  }

  /** A started server. */
  record Running(int port, AutoCloseable server) implements AutoCloseable {
    /** What the server counted, if it counts (ours: closes by code, errors by text). */
    String stats() {
      if (server instanceof SignalingServer ours) {
        var m = ours.hub().metrics();
        return "closes=" + m.closes() + " errors=" + m.errors() + " open=" + m.connectionsOpen() + " nodes=" + m.nodesRegistered()
            + " out=" + m.messagesOut() + " bytesOut=" + m.bytesOut();
      }
      return "-";
    }

    @Override
    public void close() throws Exception {
      server.close();
    }
  }
}
