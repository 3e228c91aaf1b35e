package dev.signaling.core;

import dev.signaling.core.internal.Relay;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import java.util.List;
import java.util.Objects;

/**
 * The transport-agnostic signaling server: it owns the registered nodes, applies every state
 * change in one global order, and relays messages between connections. A transport feeds it
 * connections through {@link #open(Connection)}; the embedding application reads it and listens
 * to it.
 *
 * <p>Thread-safe. {@link #close()} closes every connection with {@code 1001} and refuses new
 * ones; it is idempotent.
 */
public final class SignalingHub implements AutoCloseable {

  private final Relay relay;

  private SignalingHub(SignalingConfig config, SignalingListener listener) {
    this.relay = new Relay(config, listener);
  }

  /** A hub with this configuration and listener. */
  public static SignalingHub create(SignalingConfig config, SignalingListener listener) {
    return new SignalingHub(
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(listener, "listener"));
  }

  /** A hub with this configuration and no listener. */
  public static SignalingHub create(SignalingConfig config) {
    return create(config, SignalingListener.NONE);
  }

  /** This hub's configuration. */
  public SignalingConfig config() {
    return relay.config();
  }

  /**
   * Attaches a newly opened connection (SPI: called by transports). After {@link #close()} the
   * connection is closed at once with {@code 1001}.
   *
   * @return the handler the transport feeds with this connection's events
   */
  public ConnectionHandler open(Connection connection) {
    return relay.open(Objects.requireNonNull(connection, "connection"));
  }

  /** The registered nodes in registration order: an immutable snapshot, cheap to take. */
  public List<Participant> participants() {
    return relay.participants();
  }

  /** The number of open connections attached to this hub, registered or not. */
  public int connectionCount() {
    return relay.connectionCount();
  }

  /**
   * A reading of the hub's counters and gauges. Cheap enough to call on every scrape: it sums
   * striped counters and looks once at each open connection's queue.
   */
  public SignalingMetrics metrics() {
    return relay.metrics();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return relay.isClosed();
  }

  /** Closes every connection with {@code 1001 "server shutting down"}; idempotent. */
  @Override
  public void close() {
    relay.close();
  }
}
