package dev.signaling.core.internal;

import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.cluster.ClusterMember;
import dev.signaling.core.spi.OutboundMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clustered {@link EventOrder}, and the hub's {@link ClusterMember}: events go to the shared
 * log and are applied to the {@link Replica} when the log delivers them back (on the cluster's
 * reader thread); signals, heartbeats and disconnects for other servers go over the cluster's
 * bus, and those of other servers are delivered here to our own connections.
 */
final class ClusterLink implements EventOrder, ClusterMember {

  private static final Logger log = LoggerFactory.getLogger(ClusterLink.class);

  private final Cluster cluster;
  private final String server;
  private final Replica replica;
  private final Routes routes;
  private final Broadcasts broadcasts;

  ClusterLink(Cluster cluster, String server, Replica replica, Routes routes, Broadcasts broadcasts) {
    this.cluster = cluster;
    this.server = server;
    this.replica = replica;
    this.routes = routes;
    this.broadcasts = broadcasts;
  }

  /** Joins the cluster: returns once the replica holds the cluster's membership. */
  void join() {
    cluster.join(this);
  }

  @Override
  public String server() {
    return server;
  }

  @Override
  public Fanout enter(Event event) {
    cluster.append(EventCodec.encode(event));
    return null;
  }

  @Override
  public void forward(String target, String to, String signal) {
    cluster.send(target, EventCodec.signal(to, signal));
  }

  @Override
  public void heartbeat(String message) {
    cluster.broadcast(EventCodec.heartbeat(message));
  }

  @Override
  public void disconnect(String target, String nodeId, String reason) {
    cluster.send(target, EventCodec.disconnect(nodeId, reason));
  }

  @Override
  public void close() {
    cluster.close();
  }

  @Override
  public void onEvent(String text, long position) {
    Event event;
    try {
      event = EventCodec.decode(text);
    } catch (EventCodec.Unreadable e) {
      log.warn("Skipping a cluster event this server cannot read (as every server of this version does)", e);
      return;
    }
    replica.apply(event, position).flush();
  }

  @Override
  public void onServerGone(String gone) {
    List<Event.Claim> own = new ArrayList<>();
    Fanout fanout = replica.serverGone(gone, cluster.failureTimeout(), own);
    if (fanout == null) {
      return;
    }
    fanout.flush();
    if (gone.equals(server)) {
      // Declared gone while alive: re-publish our nodes.
      cluster.append(EventCodec.encode(new Event.Sync(server, own)));
    }
  }

  @Override
  public String onLogReset() {
    return EventCodec.encode(new Event.Sync(server, replica.logReset(cluster.failureTimeout())));
  }

  @Override
  public void onMessage(String message) {
    try {
      receive(EventCodec.decodeMessage(message));
    } catch (RuntimeException e) {
      log.warn("Dropping a malformed message from another server", e);
    }
  }

  /** A signal for one of our nodes, or a heartbeat for all of them, sent by another server. */
  private void receive(EventCodec.BusMessage message) {
    if (message.kind() == EventCodec.HEARTBEAT) {
      Outgoing heartbeat = new Outgoing(OutboundMessage.ofText(message.text()), Outgoing.Kind.HEARTBEAT);
      for (Session s : broadcasts.visible().sessions()) {
        s.deliver(heartbeat);
      }
      return;
    }
    Session target = routes.local(message.to());
    if (target == null) {
      log.debug("Dropping a message for {}: it left this server meanwhile", message.to());
    } else if (message.kind() == EventCodec.DISCONNECT) {
      target.disconnect(message.text());
    } else {
      target.deliver(new Outgoing(OutboundMessage.ofText(message.text()), Outgoing.Kind.SIGNAL));
    }
  }
}
