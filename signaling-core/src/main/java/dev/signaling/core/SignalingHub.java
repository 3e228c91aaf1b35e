package dev.signaling.core;

import dev.signaling.core.cluster.Cluster;
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
 * <p>By default the hub runs in-process: one server, no broker. Given a {@link Cluster}, it is
 * one server of several that act as one (see {@link #create(SignalingConfig, SignalingListener,
 * Cluster)}).
 *
 * <p>Thread-safe. {@link #close()} closes every connection with {@code 1001} and refuses new
 * ones; it is idempotent.
 */
public final class SignalingHub implements AutoCloseable {

  private final Relay relay;

  private SignalingHub(SignalingConfig config, SignalingListener listener, Cluster cluster) {
    this.relay = new Relay(config, listener, cluster);
  }

  /** A hub with this configuration and listener, in-process (no cluster). */
  public static SignalingHub create(SignalingConfig config, SignalingListener listener) {
    return new SignalingHub(
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(listener, "listener"), null);
  }

  /**
   * A hub that is one server of a cluster: it joins {@code cluster} before returning (so it
   * starts with the cluster's membership) and owns it from then on ({@link #close()} leaves the
   * cluster and closes it).
   *
   * <p>In a cluster, {@link #participants()} and {@link SignalingMetrics#nodesRegistered()} are
   * the cluster's, while connections, counters and listener callbacks about connections and
   * signals are this server's own; state events ({@code nodeJoined}, {@code nodeLeft}, {@code
   * nodeReplaced}, {@code roleAssigned}) are the cluster's, in the cluster's order, reported on
   * the cluster's log thread. Every server of a cluster should use the same configuration.
   *
   * @throws SignalingException if the cluster cannot be joined
   */
  public static SignalingHub create(SignalingConfig config, SignalingListener listener, Cluster cluster) {
    return new SignalingHub(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(cluster, "cluster"));
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

  /**
   * The registered nodes in registration order (in a cluster: of the whole cluster, as this
   * server has applied them so far): an immutable snapshot, cheap to take.
   */
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

  /**
   * The server cannot go on: an {@link Error} (typically an {@link OutOfMemoryError}) reached one
   * of the transport's threads (SPI: called by transports, which then stop). Closes every
   * connection with {@code 1011 "internal error"}, refuses new ones, leaves the cluster if there is
   * one, and tells the listener ({@link SignalingListener#serverFailed}) once. Idempotent, and a
   * no-op after {@link #close()}; never throws.
   *
   * @param cause what reached the transport's thread
   */
  public void fail(Throwable cause) {
    relay.fail(Objects.requireNonNull(cause, "cause"));
  }

  /** Whether {@link #close()} or {@link #fail} was called. */
  public boolean isClosed() {
    return relay.isClosed();
  }

  /**
   * Closes every connection with {@code 1001 "server shutting down"}, then leaves the cluster if
   * there is one (the other servers drop this server's nodes at once); idempotent.
   */
  @Override
  public void close() {
    relay.close();
  }
}
