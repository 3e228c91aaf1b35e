package dev.signaling.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signaling.core.SignalingHub;
import dev.signaling.micrometer.SignalingMeterBinder;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /metrics} on a port of its own: the hub's meters ({@link SignalingMeterBinder}) and
 * the JVM's, in the Prometheus text format, through Micrometer's {@link PrometheusMeterRegistry}
 * and the JDK's HTTP server. A port of its own, so that the signaling port keeps answering only
 * the protocol and {@code /health}, and a firewall can keep the metrics private.
 */
final class MetricsEndpoint implements AutoCloseable {

  /** The text exposition format that {@link PrometheusMeterRegistry#scrape()} writes. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer http;
  private final PrometheusMeterRegistry registry;
  private final SignalingMeterBinder binder;
  private final JvmGcMetrics gc;
  private final URI uri;

  private MetricsEndpoint(HttpServer http, PrometheusMeterRegistry registry, SignalingMeterBinder binder,
      JvmGcMetrics gc) {
    this.http = http;
    this.registry = registry;
    this.binder = binder;
    this.gc = gc;
    InetSocketAddress bound = http.getAddress();
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    this.uri = URI.create("http://" + host + ":" + bound.getPort() + "/metrics");
  }

  /**
   * Serves {@code hub}'s metrics on {@code address} (port {@code 0} picks a free one) until closed.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  static MetricsEndpoint start(SignalingHub hub, InetSocketAddress address) {
    HttpServer http;
    try {
      http = HttpServer.create(address, 16);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // Every scrape refreshes first (below), so the binder's own timer is not needed.
    SignalingMeterBinder binder = new SignalingMeterBinder(hub, Tags.empty(), Duration.ZERO);
    binder.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    MetricsEndpoint endpoint = new MetricsEndpoint(http, registry, binder, gc);
    http.createContext("/", endpoint::answer);
    http.start(); // one dispatcher thread; a scrape takes well under a millisecond
    return endpoint;
  }

  /** Where to scrape, e.g. {@code http://127.0.0.1:9464/metrics}. */
  URI uri() {
    return uri;
  }

  /** Stops serving and frees the port. */
  @Override
  public void close() {
    http.stop(0);
    binder.close();
    gc.close();
    registry.close();
  }

  private void answer(HttpExchange exchange) throws IOException {
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
        binder.refresh(); // error texts and close codes seen since the last scrape
        body = registry.scrape().getBytes(StandardCharsets.UTF_8);
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
}
