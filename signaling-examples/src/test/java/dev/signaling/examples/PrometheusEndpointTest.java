package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.SignalingMetrics;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint, scraped over HTTP after real WebSocket traffic. */
class PrometheusEndpointTest {

  /** A sample line: a metric name, optional labels, an integer value. */
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\.)*\"})? -?\\d+");

  private final HttpClient http = HttpClient.newHttpClient();
  private final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
  private SignalingServer server;
  private PrometheusEndpoint metrics;

  @BeforeEach
  void start() {
    server = SignalingServer.builder().host("127.0.0.1").port(0).listener(new SignalingListener() {
      @Override
      public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
        closes.add(code);
      }
    }).start();
    metrics = PrometheusEndpoint.start(server.hub(), new InetSocketAddress("127.0.0.1", 0));
  }

  @AfterEach
  void stop() {
    metrics.close();
    server.close();
  }

  private HttpResponse<String> get(String method, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(metrics.uri().resolve(path)).timeout(TestClient.TIMEOUT)
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The samples of a scrape by series ({@code name{labels}}), after checking the format. */
  private static Map<String, Long> samples(String body) {
    Map<String, Long> samples = new LinkedHashMap<>();
    List<String> typed = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("# HELP ")) {
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertThat(parts).hasSize(4);
        assertThat(parts[3]).isIn("counter", "gauge");
        typed.add(parts[2]);
        continue;
      }
      assertThat(line).as("a sample line").matches(SAMPLE);
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
      assertThat(typed).as("TYPE before the samples of %s", name).endsWith(name);
      assertThat(body).as("HELP for %s", name).contains("# HELP " + name + " ");
      samples.put(series, Long.parseLong(line.substring(space + 1)));
    }
    return samples;
  }

  @Test
  void scrape_afterRealTraffic_reportsWhatHappened() throws Exception {
    String registerA = "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}";
    String registerB = "{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"bob\"}";
    String toB = "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":{\"sdp\":\"v=0\"}}";
    String toNobody = "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"nobody\",\"payload\":1}";
    String garbage = "{not json";
    long bytesIn;
    try (WebSocketTestClient a = WebSocketTestClient.connect("client", server.webSocketUri(), http);
        WebSocketTestClient b = WebSocketTestClient.connect("client", server.webSocketUri(), http)) {
      a.send(registerA);
      a.next(); // participants [a]
      b.send(registerB);
      b.next(); // participants [a, b]
      a.next(); // presence join b
      a.next(); // participants [a, b]
      a.send(toB);
      assertThat(b.next()).isEqualTo(toB);
      a.send(toNobody);
      assertThat(a.next()).contains("peer not found");
      a.send(garbage);
      assertThat(a.next()).contains("invalid JSON");
      b.close();
      assertThat(closes.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(1000);
      a.next(); // presence leave b
      a.next(); // participants [a]
      bytesIn = (registerA + registerB + toB + toNobody + garbage).getBytes(StandardCharsets.UTF_8).length;

      HttpResponse<String> response = get("GET", "/metrics");
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("content-type")).hasValue(PrometheusEndpoint.CONTENT_TYPE);
      Map<String, Long> samples = samples(response.body());
      assertThat(samples).containsEntry("signaling_connections_open", 1L)
          .containsEntry("signaling_nodes_registered", 1L)
          .containsEntry("signaling_messages_in_total{type=\"register\"}", 2L)
          .containsEntry("signaling_messages_in_total{type=\"signal\"}", 2L)
          .containsEntry("signaling_messages_in_total{type=\"invalid\"}", 1L)
          .containsEntry("signaling_messages_in_total{type=\"heartbeat\"}", 0L)
          .containsEntry("signaling_messages_out_total{type=\"signal\"}", 1L)
          .containsEntry("signaling_messages_out_total{type=\"presence\"}", 2L)
          .containsEntry("signaling_bytes_in_total", bytesIn)
          .containsEntry("signaling_errors_total{error=\"peer not found\"}", 1L)
          .containsEntry("signaling_errors_total{error=\"invalid JSON\"}", 1L)
          .containsEntry("signaling_closes_total{code=\"1000\"}", 1L)
          .containsEntry("signaling_signals_refused_total", 1L)
          .containsEntry("signaling_max_queued_bytes", 0L);
      assertThat(samples.get("signaling_bytes_out_total")).isGreaterThan(toB.length());
    }
  }

  @Test
  void headHasNoBody_otherPaths404_otherMethods405() throws Exception {
    HttpResponse<String> head = get("HEAD", "/metrics");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(get("GET", "/").statusCode()).isEqualTo(404);
    assertThat(get("GET", "/metrics/x").statusCode()).isEqualTo(404);
    HttpResponse<String> post = get("POST", "/metrics");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
  }

  @Test
  void format_escapesLabelValues_andListsEveryFamilyEvenWhenEmpty() {
    SignalingMetrics m = new SignalingMetrics(0, 0, Map.of(), Map.of(), 0, 0,
        Map.of("a \"quoted\" \\ text\nline", 3L), Map.of(), 0, 0);
    String text = PrometheusEndpoint.format(m);
    assertThat(text).contains("signaling_errors_total{error=\"a \\\"quoted\\\" \\\\ text\\nline\"} 3\n");
    for (String family : List.of("signaling_connections_open", "signaling_nodes_registered",
        "signaling_messages_in_total", "signaling_messages_out_total", "signaling_bytes_in_total",
        "signaling_bytes_out_total", "signaling_errors_total", "signaling_closes_total",
        "signaling_signals_refused_total", "signaling_max_queued_bytes")) {
      assertThat(text).contains("# HELP " + family + " ", "# TYPE " + family + " ");
    }
    samples(text);
  }
}
