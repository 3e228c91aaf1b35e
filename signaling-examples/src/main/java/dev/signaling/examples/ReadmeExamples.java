package dev.signaling.examples;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.core.Participant;
import dev.signaling.core.RegistrationAuthenticator;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.SignalingMetrics;
import dev.signaling.micrometer.SignalingMeterBinder;
import dev.signaling.transport.javawebsocket.SignalingServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Queue;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The code of the README's sections, as code that compiles: each region between {@code //
 * README:name} and {@code // README:end} appears verbatim in README.md (a test checks that), and
 * the tests run each method against real sockets. Host and port are parameters so that tests bind
 * 127.0.0.1 and a free port.
 */
final class ReadmeExamples {

  private ReadmeExamples() {}

  /** Events: a listener that records joins, refused signals and close codes. */
  static SignalingServer events(String host, int port, Queue<String> joined, Queue<String> refused,
      Queue<Integer> closed) {
    // README:events
    SignalingServer server = SignalingServer.builder()
        .host(host).port(port)
        .listener(new SignalingListener() {
          @Override
          public void nodeJoined(Participant node) {
            joined.add(node.nodeId()); // on a transport thread: be quick, never block
          }

          @Override
          public void signalRefused(ConnectionInfo connection, String error) {
            refused.add(connection.id() + ": " + error); // e.g. "c7: peer not found"
          }

          @Override
          public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
            closed.add(code); // exactly once per connectionOpened
          }
        })
        .start();
    // README:end
    return server;
  }

  /** Embedding: the README's first Java lines, run until {@code work} returns. */
  static void embed(int port, Runnable work) {
    // README:embed
    try (SignalingServer server = SignalingServer.builder()
        .port(port)
        .config(SignalingConfig.builder().maxConnections(5_000).build())
        .start()) {                       // returns once the port is bound
      System.out.println("signaling on " + server.webSocketUri());
      work.run();                         // your application; server.participants() is a live snapshot
    }                                     // clients get 1001, the port is freed
    // README:end
  }

  /**
   * What {@link #metrics} read.
   *
   * @param signals signals received
   * @param peerNotFound {@code peer not found} errors sent
   * @param binder the binder it bound
   * @param scrape what the Prometheus registry wrote
   */
  record MetricsRead(long signals, long peerNotFound, SignalingMeterBinder binder, String scrape) {}

  /** Metrics: a snapshot, and the same through Micrometer. */
  static MetricsRead metrics(SignalingServer server) {
    // README:metrics
    SignalingMetrics m = server.hub().metrics(); // counters only: cheap at any time, from any thread
    long signals = m.messagesIn().getOrDefault("signal", 0L);
    long peerNotFound = m.errors().getOrDefault("peer not found", 0L);

    // The same numbers as Micrometer meters (signaling-micrometer), e.g. for Prometheus:
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SignalingMeterBinder binder = new SignalingMeterBinder(server.hub()); // close it with the server
    binder.bindTo(registry);
    String scrape = registry.scrape(); // signaling_messages_received_total{type="signal"} 2.0 ...
    // README:end
    return new MetricsRead(signals, peerNotFound, binder, scrape);
  }

  /** TLS: the server half (the context comes from a keystore, as {@code signaling-server}'s Keystores loads it). */
  static SignalingServer tls(String host, int port, SSLContext tls) {
    // README:tls-server
    SignalingServer server = SignalingServer.builder()
        .host(host).port(port)
        .tls(tls) // wss:// and https://…/health on this port; plain ws:// is not served
        .start();
    // README:end
    return server;
  }

  /** Origins: browsers from two origins only. */
  static SignalingServer origins(String host, int port) {
    // README:origins
    SignalingServer server = SignalingServer.builder()
        .host(host).port(port)
        .allowedOrigins("https://app.example.com", "http://localhost:8080")
        .start();
    // Another Origin gets HTTP 403 {"error":"origin not allowed"}; no Origin (not a browser) is let in.
    // README:end
    return server;
  }

  /** Authentication: the shipped Ed25519 proof of possession. */
  static SignalingServer ed25519(String host, int port) {
    // README:auth-ed25519
    SignalingConfig config = SignalingConfig.builder()
        .authenticator(Ed25519Authenticator.create()) // nodeId = the hex Ed25519 public key; 60 s skew
        .build();
    SignalingServer server = SignalingServer.builder().host(host).port(port).config(config).start();
    // README:end
    return server;
  }

  /** Authentication: a hook of one's own, reading the upgrade request. */
  static SignalingServer tokenInQuery(String host, int port, Set<String> validTokens) {
    // README:auth-custom
    RegistrationAuthenticator tokenInQuery = request -> {
      String query = request.connection().handshake().query(); // wss://host/?token=… gives "token=…"
      return query.startsWith("token=") && validTokens.contains(query.substring("token=".length()));
    };
    SignalingServer server = SignalingServer.builder()
        .host(host).port(port)
        .config(SignalingConfig.builder().authenticator(tokenInQuery).build())
        .start();
    // README:end
    return server;
  }
}
