package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.SignalingMetrics;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay/presence state machine behind {@link dev.signaling.core.SignalingHub}: a facade that
 * wires its parts.
 *
 * <p><b>Consistency.</b> Register, leave and role-assign are checked by the {@link Dispatcher} on
 * the thread that received them, then become {@link Event}s that enter one global order ({@link
 * EventOrder}): in-process they are applied at once; in a cluster they are appended to the shared
 * log and every server applies them, in log order, to its own {@link Replica}. Applying an event
 * takes one lock, changes the replica, and enqueues every message it causes into the recipients'
 * {@link Outbox}es before releasing it; the outboxes are flushed after the lock is released
 * ({@link Fanout}). Enqueue order is delivery order, so every connection sees state messages in
 * the one global order in which the changes were applied.
 *
 * <p><b>Hot path.</b> Signals and heartbeats take no shared lock: see {@link Dispatcher} and
 * {@link Routes}.
 */
public final class Relay {

  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  private final SignalingConfig config;
  private final SignalingListener listener;
  private final Meters meters = new Meters();
  private final Connections connections = new Connections();
  private final Routes routes = new Routes();
  private final Scheduler scheduler;
  private final Broadcasts broadcasts;
  private final Replica replica;
  private final EventOrder order;
  private final Dispatcher dispatcher;
  private final QueuedBudget budget;
  private final Authentications authentications;
  private final RegisterDeadline registerDeadline;
  private final Session.Context sessionContext;

  /** Creates an in-process relay; use {@link dev.signaling.core.SignalingHub#create} instead. */
  public Relay(SignalingConfig config, SignalingListener listener) {
    this(config, listener, null, new RelayTimer());
  }

  /**
   * Creates a relay that is one server of {@code cluster} (null: in-process), and joins it; use
   * {@link dev.signaling.core.SignalingHub#create} instead.
   */
  public Relay(SignalingConfig config, SignalingListener listener, Cluster cluster) {
    this(config, listener, cluster, new RelayTimer());
  }

  /** The full wiring, with the scheduler that delayed work runs on (tests step it). */
  Relay(SignalingConfig config, SignalingListener listener, Cluster cluster, Scheduler scheduler) {
    this.config = config;
    this.listener = new SafeListener(listener, config.ticker());
    this.scheduler = scheduler;
    this.broadcasts = new Broadcasts(this.listener);
    ClusterLink link = null;
    if (cluster == null) {
      this.replica = new Replica(broadcasts, routes, connections, meters, "", false);
      this.order = new LocalOrder(replica);
    } else {
      String server = Objects.requireNonNull(cluster.serverId(), "serverId");
      this.replica = new Replica(broadcasts, routes, connections, meters, server, true);
      link = new ClusterLink(cluster, server, replica, routes, broadcasts);
      this.order = link;
    }
    this.budget = new QueuedBudget(config.maxTotalQueuedBytes(), connections);
    this.authentications = new Authentications(config);
    this.registerDeadline = new RegisterDeadline(
        config.registerTimeout(), scheduler, connections, authentications, this::fail);
    this.dispatcher = new Dispatcher(config, meters, this.listener, routes, broadcasts, order, connections,
        authentications);
    this.sessionContext = new Session.Context(dispatcher, config, meters, this.listener, scheduler, budget);
    if (link != null) {
      link.join();
    }
  }

  public SignalingConfig config() {
    return config;
  }

  public List<Participant> participants() {
    return broadcasts.visible().participants();
  }

  public int connectionCount() {
    return connections.size();
  }

  public SignalingMetrics metrics() {
    return meters.snapshot(connections.size(), broadcasts.visible().size(), connections.maxQueuedBytes());
  }

  public boolean isClosed() {
    return replica.isClosed();
  }

  public ConnectionHandler open(Connection connection) {
    Session session = new Session(sessionContext, connection, connections.nextNumber());
    boolean accepted = replica.ifOpen(() -> connections.add(session));
    listener.connectionOpened(session.info());
    if (accepted) {
      registerDeadline.opened();
    } else {
      connection.close(1001, "server shutting down");
    }
    return session;
  }

  /**
   * Closes the connection that holds {@code nodeId} with {@link Session#DISCONNECTED}, behind what is
   * queued for it; in a cluster, on the server that holds it. Its leave follows as for any close.
   *
   * @return whether the node was registered, as far as this server knows
   */
  public boolean disconnect(String nodeId, String reason) {
    Session local = routes.local(nodeId);
    if (local != null) {
      local.disconnect(reason);
      return true;
    }
    String server = routes.remote(nodeId);
    if (server != null) {
      order.disconnect(server, nodeId, reason);
      return true;
    }
    return false;
  }

  /**
   * Closes this server's connection with the transport id {@code connectionId} with {@link
   * Session#DISCONNECTED}, registered or not.
   *
   * @return whether it was open
   */
  public boolean disconnectConnection(String connectionId, String reason) {
    for (Session s : connections.all()) {
      if (s.info().id().equals(connectionId)) {
        s.disconnect(reason);
        return true;
      }
    }
    return false;
  }

  /**
   * Closes every connection with 1001 behind what is already queued for it, then leaves the
   * cluster. Idempotent.
   */
  public void close() {
    close(1001, "server shutting down");
  }

  /**
   * The server failed: closes every connection with 1011 and tells the listener, once. A failure
   * may be short of memory, so nothing here allocates more than closing needs.
   */
  public void fail(Throwable cause) {
    if (close(1011, "internal error")) {
      log.error("The signaling server failed and closed itself", cause);
      listener.serverFailed(cause);
    }
  }

  /** Closes with this code and reason; false when it was closed already. */
  private boolean close(int code, String reason) {
    List<Session> all = new ArrayList<>();
    boolean first = replica.close(() -> {
      scheduler.shutdown(); // what it would flush, the shutdown below flushes
      all.addAll(connections.snapshot());
      for (Session s : all) {
        s.enqueueClose(code, reason);
      }
    });
    if (!first) {
      return false;
    }
    authentications.shutdown();
    for (Session s : all) {
      s.shutdown(code, reason);
    }
    order.close();
    return true;
  }
}
