package dev.signaling.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;

/**
 * The hub's {@link SignalingMetrics} in the Prometheus text exposition format (version 0.0.4) on
 * {@code GET /metrics} of a port of its own, served by the JDK's {@code com.sun.net.httpserver}:
 * no dependency, and the signaling port keeps answering only the protocol.
 *
 * <pre>{@code
 * try (PrometheusEndpoint metrics = PrometheusEndpoint.start(server.hub(), new InetSocketAddress(9464))) {
 *   ... // scrape http://host:9464/metrics
 * }
 * }</pre>
 *
 * <p>Each scrape reads one {@link SignalingHub#metrics()} snapshot (cheap: counters only). Series:
 *
 * <pre>
 * signaling_connections_open                      gauge
 * signaling_nodes_registered                      gauge
 * signaling_messages_in_total{type="signal"}      counter, per message type
 * signaling_messages_out_total{type="presence"}   counter, per message type
 * signaling_bytes_in_total, signaling_bytes_out_total
 * signaling_errors_total{error="peer not found"}  counter, per error text
 * signaling_closes_total{code="1000"}             counter, per close code
 * signaling_signals_refused_total                 counter
 * signaling_max_queued_bytes                      gauge
 * </pre>
 */
public final class PrometheusEndpoint implements AutoCloseable {

  /** The exposition format's content type. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final URI uri;

  private PrometheusEndpoint(HttpServer http) {
    this.http = http;
    InetSocketAddress bound = http.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.uri = URI.create("http://" + host + ":" + bound.getPort() + "/metrics");
  }

  /**
   * Serves {@code hub}'s metrics on {@code address} (port {@code 0} picks a free one) until
   * closed.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static PrometheusEndpoint start(SignalingHub hub, InetSocketAddress address) {
    Objects.requireNonNull(hub, "hub");
    HttpServer http;
    try {
      http = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
    http.createContext("/", exchange -> answer(exchange, hub));
    http.start(); // one dispatcher thread; a scrape takes microseconds
    return new PrometheusEndpoint(http);
  }

  /** Where to scrape, e.g. {@code http://127.0.0.1:9464/metrics}. */
  public URI uri() {
    return uri;
  }

  /** The port it listens on (the real one when started with port {@code 0}). */
  public int port() {
    return http.getAddress().getPort();
  }

  /** Stops serving and frees the port. */
  @Override
  public void close() {
    http.stop(0);
  }

  private static void answer(HttpExchange exchange, SignalingHub hub) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      int status;
      byte[] body;
      if (!exchange.getRequestURI().getPath().equals("/metrics")) {
        status = 404;
        body = "not found\n".getBytes(StandardCharsets.UTF_8);
      } else if (!head && !method.equals("GET")) {
        status = 405;
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        body = "method not allowed\n".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 200;
        body = format(hub.metrics()).getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().set("Content-Type", status == 200 ? CONTENT_TYPE : "text/plain; charset=utf-8");
      exchange.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  /** A snapshot in the text exposition format: HELP and TYPE for every family, one sample per line. */
  static String format(SignalingMetrics m) {
    StringBuilder out = new StringBuilder(2048);
    gauge(out, "signaling_connections_open", "WebSocket connections open now, registered or not.",
        m.connectionsOpen());
    gauge(out, "signaling_nodes_registered", "Registered nodes now.", m.nodesRegistered());
    labelled(out, "signaling_messages_in_total", "counter",
        "Messages received, by type (invalid, unknown and rate-limited dropped ones included).",
        "type", m.messagesIn());
    labelled(out, "signaling_messages_out_total", "counter", "Messages handed to the transport, by type.",
        "type", m.messagesOut());
    counter(out, "signaling_bytes_in_total", "UTF-8 bytes of messages received.", m.bytesIn());
    counter(out, "signaling_bytes_out_total", "UTF-8 bytes of messages handed to the transport.", m.bytesOut());
    labelled(out, "signaling_errors_total", "counter", "Error messages sent, by error text.", "error", m.errors());
    labelled(out, "signaling_closes_total", "counter", "Connections closed, by close code.", "code", m.closes());
    counter(out, "signaling_signals_refused_total", "Signals answered with an error instead of forwarded.",
        m.signalsRefused());
    gauge(out, "signaling_max_queued_bytes", "The most unsent bytes any one connection has now.",
        m.maxQueuedBytes());
    return out.toString();
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    family(out, name, "gauge", help);
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    family(out, name, "counter", help);
    out.append(name).append(' ').append(value).append('\n');
  }

  private static void labelled(StringBuilder out, String name, String type, String help, String label,
      Map<?, Long> values) {
    family(out, name, type, help);
    values.entrySet().stream()
        .sorted(Comparator.comparing(e -> String.valueOf(e.getKey()))) // stable across scrapes
        .forEach(e -> out.append(name).append('{').append(label).append("=\"")
            .append(escapeLabel(String.valueOf(e.getKey()))).append("\"} ").append(e.getValue()).append('\n'));
  }

  private static void family(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** Label values escape backslash, double quote and line feed, as the format requires. */
  static String escapeLabel(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
