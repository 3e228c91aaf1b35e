package dev.signaling.micrometer;

import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Binds a {@link SignalingHub}'s {@link SignalingMetrics} to a Micrometer {@link MeterRegistry}.
 *
 * <pre>{@code
 * SignalingMeterBinder binder = new SignalingMeterBinder(server.hub());
 * binder.bindTo(registry); // e.g. a PrometheusMeterRegistry; close the binder with the server
 * }</pre>
 *
 * <p>Meters (names in Micrometer's dotted form; a Prometheus registry writes {@code
 * signaling.messages.received} as {@code signaling_messages_received_total} and appends the base
 * unit {@code bytes} where one is set):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code signaling.connections.open}</td><td>gauge</td><td></td>
 *       <td>WebSocket connections open now, registered or not</td></tr>
 *   <tr><td>{@code signaling.nodes.registered}</td><td>gauge</td><td></td><td>registered nodes now</td></tr>
 *   <tr><td>{@code signaling.messages.received}</td><td>counter</td><td>{@code type}</td>
 *       <td>messages received, by type ({@code invalid}, {@code unknown}, {@code dropped} included)</td></tr>
 *   <tr><td>{@code signaling.messages.sent}</td><td>counter</td><td>{@code type}</td>
 *       <td>messages handed to the transport, by type</td></tr>
 *   <tr><td>{@code signaling.data.received}, {@code signaling.data.sent}</td><td>counter, bytes</td><td></td>
 *       <td>UTF-8 bytes of those messages</td></tr>
 *   <tr><td>{@code signaling.errors}</td><td>counter</td><td>{@code error}</td>
 *       <td>{@code error} messages sent, by error text</td></tr>
 *   <tr><td>{@code signaling.connections.closed}</td><td>counter</td><td>{@code code}</td>
 *       <td>connections closed, by close code</td></tr>
 *   <tr><td>{@code signaling.signals.refused}</td><td>counter</td><td></td>
 *       <td>signals answered with an error instead of forwarded</td></tr>
 *   <tr><td>{@code signaling.queued.max}</td><td>gauge, bytes</td><td></td>
 *       <td>the most unsent bytes any one connection has now</td></tr>
 * </table>
 *
 * <p>Every meter reads the hub's counters when the registry asks (a snapshot costs a few small
 * maps), so nothing is counted twice and no hot path changes. Error texts and close codes are
 * known only once they happen: {@link #bindTo} registers those seen so far, and {@link #refresh()}
 * adds the ones seen since. The binder refreshes itself every {@linkplain #DEFAULT_REFRESH
 * 10 seconds} on a daemon thread of its own, from the first {@code bindTo} until {@link #close()};
 * a scrape handler may also call {@code refresh()} before each scrape. A counter registered late
 * still reports its whole count: the hub counts from its start.
 *
 * <p>Two hubs on one registry need a distinguishing tag each ({@link #SignalingMeterBinder(
 * SignalingHub, Iterable, Duration)}), or the second reads as the first. Thread-safe.
 */
public final class SignalingMeterBinder implements MeterBinder, AutoCloseable {

  /** How often new error texts and close codes are looked for, unless told otherwise. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(10);

  private final SignalingHub hub;
  private final Tags tags;
  private final Duration refreshInterval;
  private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();
  /** Error texts and close codes with meters; guarded by {@code this}. */
  private final Set<String> errors = new TreeSet<>();
  private final Set<Integer> codes = new TreeSet<>();
  private ScheduledExecutorService refresher;
  private boolean closed;

  /**
   * A binder for this hub's metrics, without extra tags, refreshed every {@link #DEFAULT_REFRESH}.
   *
   * @param hub the hub whose metrics to bind
   */
  public SignalingMeterBinder(SignalingHub hub) {
    this(hub, Tags.empty(), DEFAULT_REFRESH);
  }

  /**
   * A binder for this hub's metrics, with extra tags on every meter.
   *
   * @param hub the hub whose metrics to bind
   * @param tags added to every meter, e.g. {@code Tags.of("server", "eu-1")}
   * @param refreshInterval how often to look for new error texts and close codes; {@link
   *     Duration#ZERO} for never (then call {@link #refresh()} yourself)
   */
  public SignalingMeterBinder(SignalingHub hub, Iterable<Tag> tags, Duration refreshInterval) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (refreshInterval.isNegative()) {
      throw new IllegalArgumentException("refreshInterval must not be negative: " + refreshInterval);
    }
  }

  /**
   * Registers every meter on {@code registry}, with the error texts and close codes seen so far,
   * and starts the periodic refresh if it is not running yet.
   *
   * @param registry the registry to register with; may be called for several
   * @throws IllegalStateException if the binder is closed
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    SignalingMetrics now = hub.metrics();
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("the binder is closed");
      }
      registries.add(registry);
      registerFixed(registry, now);
      errors.addAll(now.errors().keySet());
      codes.addAll(now.closes().keySet());
      errors.forEach(error -> registerError(registry, error));
      codes.forEach(code -> registerClose(registry, code));
      if (refresher == null && !refreshInterval.isZero()) {
        refresher = Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread thread = new Thread(runnable, "signaling-meter-refresh");
          thread.setDaemon(true); // never keeps a JVM alive
          return thread;
        });
        long millis = Math.max(1, refreshInterval.toMillis());
        refresher.scheduleWithFixedDelay(this::refresh, millis, millis, TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * Registers meters for the error texts and close codes that appeared since the last look, on
   * every registry bound so far. Cheap when nothing is new.
   */
  public void refresh() {
    SignalingMetrics now = hub.metrics();
    synchronized (this) {
      if (closed) {
        return;
      }
      for (String error : now.errors().keySet()) {
        if (errors.add(error)) {
          registries.forEach(registry -> registerError(registry, error));
        }
      }
      for (Integer code : now.closes().keySet()) {
        if (codes.add(code)) {
          registries.forEach(registry -> registerClose(registry, code));
        }
      }
    }
  }

  /** Stops the periodic refresh. The meters stay registered; remove them from the registry if need be. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (refresher != null) {
        refresher.shutdownNow();
      }
    }
  }

  private void registerFixed(MeterRegistry registry, SignalingMetrics now) {
    gauge(registry, "signaling.connections.open", "WebSocket connections open now, registered or not", null,
        m -> m.connectionsOpen());
    gauge(registry, "signaling.nodes.registered", "Registered nodes now", null, m -> m.nodesRegistered());
    gauge(registry, "signaling.queued.max", "The most unsent bytes any one connection has now", BaseUnits.BYTES,
        m -> m.maxQueuedBytes());
    // The message types are a fixed set: every snapshot lists each one, counted or not.
    for (String type : now.messagesIn().keySet()) {
      counter(registry, "signaling.messages.received", "Messages received, by type", null, Tags.of("type", type),
          m -> m.messagesIn().getOrDefault(type, 0L));
    }
    for (String type : now.messagesOut().keySet()) {
      counter(registry, "signaling.messages.sent", "Messages handed to the transport, by type", null,
          Tags.of("type", type), m -> m.messagesOut().getOrDefault(type, 0L));
    }
    counter(registry, "signaling.data.received", "UTF-8 bytes of messages received", BaseUnits.BYTES, Tags.empty(),
        m -> m.bytesIn());
    counter(registry, "signaling.data.sent", "UTF-8 bytes of messages handed to the transport", BaseUnits.BYTES,
        Tags.empty(), m -> m.bytesOut());
    counter(registry, "signaling.signals.refused", "Signals answered with an error instead of forwarded", null,
        Tags.empty(), m -> m.signalsRefused());
  }

  private void registerError(MeterRegistry registry, String error) {
    counter(registry, "signaling.errors", "Error messages sent, by error text", null, Tags.of("error", error),
        m -> m.errors().getOrDefault(error, 0L));
  }

  private void registerClose(MeterRegistry registry, int code) {
    counter(registry, "signaling.connections.closed", "Connections closed, by close code", null,
        Tags.of("code", Integer.toString(code)), m -> m.closes().getOrDefault(code, 0L));
  }

  private void gauge(MeterRegistry registry, String name, String description, String unit,
      ToDoubleFunction<SignalingMetrics> read) {
    Gauge.builder(name, hub, h -> read.applyAsDouble(h.metrics()))
        .description(description)
        .baseUnit(unit)
        .tags(tags)
        .register(registry);
  }

  private void counter(MeterRegistry registry, String name, String description, String unit, Tags extra,
      ToDoubleFunction<SignalingMetrics> read) {
    FunctionCounter.builder(name, hub, h -> read.applyAsDouble(h.metrics()))
        .description(description)
        .baseUnit(unit)
        .tags(tags.and(extra))
        .register(registry);
  }
}
