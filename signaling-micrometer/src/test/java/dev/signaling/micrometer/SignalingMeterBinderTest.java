package dev.signaling.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingListener;
import dev.signaling.transport.javawebsocket.SignalingServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The binder over a real server, driven by real WebSocket clients, read through two registries. */
class SignalingMeterBinderTest {

  private static final long TIMEOUT_SECONDS = 10;

  private SignalingServer server;
  private SignalingMeterBinder binder;
  private final HttpClient http = HttpClient.newHttpClient();

  /** Closes the hub has counted, one element each. */
  private final LinkedBlockingQueue<Integer> closes = new LinkedBlockingQueue<>();

  @BeforeEach
  void start() {
    server = SignalingServer.builder().host("127.0.0.1").port(0)
        .listener(new SignalingListener() {
          @Override
          public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
            closes.add(code);
          }
        })
        .start();
  }

  @AfterEach
  void stop() {
    if (binder != null) {
      binder.close();
    }
    server.close();
  }

  /** A real client: sends text and hands over every message it receives, in order. */
  private final class Client implements WebSocket.Listener {
    final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    final WebSocket socket;
    private final StringBuilder partial = new StringBuilder();

    Client() throws Exception {
      socket = http.newWebSocketBuilder().buildAsync(server.webSocketUri(), this).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        received.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    String send(String text) throws Exception {
      socket.sendText(text, true).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      String answer = received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      assertThat(answer).as("an answer to %s", text).isNotNull();
      return answer;
    }

    void close() throws Exception {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }

  /** a registers, then signals a node that is not there: one error, one refused signal. */
  private Client registeredAndRefused() throws Exception {
    Client a = new Client();
    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
    assertThat(a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"nobody\",\"payload\":{}}")).contains("peer not found");
    return a;
  }

  private static double counter(MeterRegistry registry, String name, String... tags) {
    FunctionCounter counter = registry.find(name).tags(tags).functionCounter();
    assertThat(counter).as("counter %s %s", name, String.join(",", tags)).isNotNull();
    return counter.count();
  }

  private static double gauge(MeterRegistry registry, String name) {
    Gauge gauge = registry.find(name).gauge();
    assertThat(gauge).as("gauge %s", name).isNotNull();
    return gauge.value();
  }

  @Test
  void simpleRegistry_readsTheHubsCounters_withMicrometerNamesAndTags() throws Exception {
    Client a = registeredAndRefused();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    binder = new SignalingMeterBinder(server.hub());
    binder.bindTo(registry);

    assertThat(gauge(registry, "signaling.connections.open")).isEqualTo(1);
    assertThat(gauge(registry, "signaling.nodes.registered")).isEqualTo(1);
    assertThat(counter(registry, "signaling.messages.received", "type", "register")).isEqualTo(1);
    assertThat(counter(registry, "signaling.messages.received", "type", "signal")).isEqualTo(1);
    assertThat(counter(registry, "signaling.messages.received", "type", "heartbeat")).as("listed before any").isZero();
    assertThat(counter(registry, "signaling.messages.sent", "type", "participants")).isEqualTo(1);
    assertThat(counter(registry, "signaling.errors", "error", "peer not found")).isEqualTo(1);
    assertThat(counter(registry, "signaling.signals.refused")).isEqualTo(1);
    assertThat(counter(registry, "signaling.data.received")).isEqualTo(server.hub().metrics().bytesIn()).isPositive();
    assertThat(registry.find("signaling.data.sent").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
    assertThat(registry.find("signaling.queued.max").gauge().getId().getBaseUnit()).isEqualTo("bytes");

    // Counters read the hub when asked: more traffic shows without binding again.
    a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"nobody\",\"payload\":2}");
    assertThat(counter(registry, "signaling.errors", "error", "peer not found")).isEqualTo(2);
    a.close();
  }

  @Test
  void newErrorTextsAndCloseCodes_appearAfterRefresh_withTheirWholeCount() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    binder = new SignalingMeterBinder(server.hub(), Tags.empty(), Duration.ZERO);
    binder.bindTo(registry);
    assertThat(registry.find("signaling.errors").meters()).isEmpty();

    Client a = registeredAndRefused();
    a.close();
    assertThat(closes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("the hub saw the close").isEqualTo(1000);
    assertThat(registry.find("signaling.errors").meters()).as("not before refresh").isEmpty();

    binder.refresh();

    assertThat(counter(registry, "signaling.errors", "error", "peer not found")).isEqualTo(1);
    assertThat(counter(registry, "signaling.connections.closed", "code", "1000")).isEqualTo(1);
    binder.refresh();
    assertThat(registry.find("signaling.errors").meters()).as("registered once").hasSize(1);
  }

  @Test
  void theBinderRefreshesItself_onItsOwnThread() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // The registry calls its listeners just before it puts the meter into its map (Micrometer
    // 1.17), so the test reads the meter it was handed, not the registry, which may not hold it yet.
    AtomicReference<Meter> errorMeter = new AtomicReference<>();
    CountDownLatch added = new CountDownLatch(1);
    registry.config().onMeterAdded(meter -> {
      if (meter.getId().getName().equals("signaling.errors")) {
        errorMeter.set(meter);
        added.countDown();
      }
    });
    binder = new SignalingMeterBinder(server.hub(), Tags.empty(), Duration.ofMillis(20));
    binder.bindTo(registry);

    registeredAndRefused().close();

    assertThat(added.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).as("signaling.errors registered by the refresh").isTrue();
    assertThat(errorMeter.get().getId().getTag("error")).isEqualTo("peer not found");
    assertThat(((FunctionCounter) errorMeter.get()).count()).isEqualTo(1);
  }

  @Test
  void prometheusRegistry_writesConventionalNames_withTheExtraTags() throws Exception {
    registeredAndRefused().close();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    binder = new SignalingMeterBinder(server.hub(), Tags.of("server", "eu-1"), Duration.ZERO);
    binder.bindTo(registry);

    String scrape = registry.scrape();

    assertThat(scrape).contains(
        "# TYPE signaling_messages_received_total counter",
        "signaling_messages_received_total{server=\"eu-1\",type=\"signal\"} 1.0",
        "signaling_errors_total{error=\"peer not found\",server=\"eu-1\"} 1.0",
        "signaling_signals_refused_total{server=\"eu-1\"} 1.0",
        "# TYPE signaling_data_received_bytes_total counter",
        "# TYPE signaling_queued_max_bytes gauge",
        "signaling_nodes_registered{server=\"eu-1\"}",
        "# HELP signaling_connections_open WebSocket connections open now, registered or not");
  }

  @Test
  void aClosedBinder_bindsNoMore_andStopsRefreshing() {
    binder = new SignalingMeterBinder(server.hub());
    binder.close();
    assertThatThrownBy(() -> binder.bindTo(new SimpleMeterRegistry())).isInstanceOf(IllegalStateException.class);
    binder.refresh(); // a no-op, not an error
  }

  @Test
  void nullsAndANegativeInterval_areRefused() {
    assertThatThrownBy(() -> new SignalingMeterBinder(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new SignalingMeterBinder(server.hub(), Tags.empty(), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
