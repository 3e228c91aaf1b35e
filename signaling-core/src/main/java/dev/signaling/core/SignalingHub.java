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

  /**
   * A hub with this configuration and listener, in-process (no cluster).
   *
   * @param config the configuration
   * @param listener the listener to call
   * @return a hub with this configuration and listener, in-process (no cluster)
   */
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
   * @param cluster the cluster to join
   * @param config the configuration
   * @param listener the listener to call
   * @return a hub that is one server of a cluster
   * @throws SignalingException if the cluster cannot be joined
   */
  public static SignalingHub create(SignalingConfig config, SignalingListener listener, Cluster cluster) {
    return new SignalingHub(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(listener, "listener"), Objects.requireNonNull(cluster, "cluster"));
  }

  /**
   * A hub with this configuration and no listener.
   *
   * @param config the configuration
   * @return a hub with this configuration and no listener
   */
  public static SignalingHub create(SignalingConfig config) {
    return create(config, SignalingListener.NONE);
  }

  /**
   * This hub's configuration.
   *
   * @return this hub's configuration
   */
  public SignalingConfig config() {
    return relay.config();
  }

  /**
   * Attaches a newly opened connection (SPI: called by transports). After {@link #close()} the
   * connection is closed at once with {@code 1001}.
   *
   * @param connection the connection
   * @return the handler the transport feeds with this connection's events
   */
  public ConnectionHandler open(Connection connection) {
    return relay.open(Objects.requireNonNull(connection, "connection"));
  }

  /**
   * The registered nodes in registration order (in a cluster: of the whole cluster, as this
   * server has applied them so far): an immutable snapshot, cheap to take.
   *
   * @return the registered nodes, in registration order
   */
  public List<Participant> participants() {
    return relay.participants();
  }

  /**
   * The number of open connections attached to this hub, registered or not.
   *
   * @return the number of open connections attached to this hub, registered or not
   */
  public int connectionCount() {
    return relay.connectionCount();
  }

  /**
   * A reading of the hub's counters and gauges. Cheap enough to call on every scrape: it sums
   * striped counters and looks once at each open connection's queue.
   *
   * @return a reading of the hub's counters and gauges
   */
  public SignalingMetrics metrics() {
    return relay.metrics();
  }

  /**
   * Disconnects a node (moderation, a banned key, a deleted account): its connection is closed
   * with {@code 4002} and {@code reason}, after what is already queued for it, and its {@code
   * presence leave} and the new {@code participants} follow as for any leave. In a cluster, a node
   * held on another server is disconnected there, through the cluster. The client may register
   * again; refuse it with an {@link SignalingConfig#authenticator() authenticator} if it must not.
   *
   * @param nodeId the node to disconnect
   * @param reason the close reason the client receives: at most 123 bytes of UTF-8
   * @return whether the node was registered (in a cluster: as far as this server has applied the
   *     cluster's changes)
   * @throws IllegalArgumentException if the reason is longer than a close frame can carry
   */
  public boolean disconnect(String nodeId, String reason) {
    return relay.disconnect(Objects.requireNonNull(nodeId, "nodeId"), closeReason(reason));
  }

  /**
   * Disconnects one of this server's connections, registered or not, by its transport id ({@link
   * ConnectionInfo#id()}, as listener events report it): closed with {@code 4002} and {@code
   * reason}, and its node, if it has one, leaves as for any close.
   *
   * @param connectionId the connection's id, as {@link ConnectionInfo#id()} reports it
   * @param reason the close reason the client receives: at most 123 bytes of UTF-8
   * @return whether the connection was open
   * @throws IllegalArgumentException if the reason is longer than a close frame can carry
   */
  public boolean disconnectConnection(String connectionId, String reason) {
    return relay.disconnectConnection(Objects.requireNonNull(connectionId, "connectionId"), closeReason(reason));
  }

  private static String closeReason(String reason) {
    Objects.requireNonNull(reason, "reason");
    if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 123) {
      throw new IllegalArgumentException("a close reason has at most 123 bytes of UTF-8: " + reason);
    }
    return reason;
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

  /**
   * Whether {@link #close()} or {@link #fail} was called.
   *
   * @return whether the hub is closed
   */
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
