package dev.signaling.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered nodes of the {@link Replica}, in registration order, with which connection holds
 * each; keeps the {@link Routes} in step. Guarded by the replica's state lock.
 */
final class NodeTable {

  private final Routes routes;
  /** This server's id in events. */
  private final String server;
  private final LinkedHashMap<String, Node> nodes = new LinkedHashMap<>();
  /** Which node each registered connection holds, wherever it is. */
  private final HashMap<Event.Conn, String> connNodes = new HashMap<>();

  NodeTable(Routes routes, String server) {
    this.routes = routes;
    this.server = server;
  }

  Node get(String nodeId) {
    return nodes.get(nodeId);
  }

  /** The nodeId {@code conn} holds, or null. */
  String heldBy(Event.Conn conn) {
    return connNodes.get(conn);
  }

  Collection<Node> values() {
    return nodes.values();
  }

  Map<String, Node> byId() {
    return nodes;
  }

  /** The nodes held by connections of {@code holder}, in order. */
  List<Node> heldOn(String holder) {
    List<Node> held = new ArrayList<>();
    for (Node node : nodes.values()) {
      if (node.owner.server().equals(holder)) {
        held.add(node);
      }
    }
    return held;
  }

  /** The rank of the last node in the order, or {@link Long#MIN_VALUE} when there is none. */
  long lastRank() {
    long last = Long.MIN_VALUE;
    for (Node node : nodes.values()) {
      last = node.rank;
    }
    return last;
  }

  /** Adds a new node at the end of the order. */
  void add(Node node) {
    nodes.put(node.nodeId(), node);
  }

  /** Removes a node and its routes. */
  Node remove(String nodeId) {
    Node node = nodes.remove(nodeId);
    unbind(node);
    return node;
  }

  /** Makes {@code conn} (with its session, if it is ours and open) the holder of {@code node}. */
  void bind(Node node, Event.Conn conn, Session session) {
    node.owner = conn;
    node.session = session;
    connNodes.put(conn, node.nodeId());
    if (session != null) {
      routes.toLocal(node.nodeId(), session);
    } else {
      routes.toServer(node.nodeId(), conn.server(), !conn.server().equals(server));
    }
  }

  /** {@code node}'s holder no longer holds it (removed, or replaced by a newer connection). */
  void unbind(Node node) {
    connNodes.remove(node.owner, node.nodeId());
    if (node.session != null) {
      routes.dropLocal(node.nodeId(), node.session);
    } else {
      routes.dropRemote(node.nodeId(), node.owner.server());
    }
  }

  /** Puts the nodes back in the order of their ranks. */
  void sortByRank() {
    List<Map.Entry<String, Node>> ordered = new ArrayList<>(nodes.entrySet());
    ordered.sort(Comparator.comparingLong(entry -> entry.getValue().rank));
    nodes.clear();
    ordered.forEach(entry -> nodes.put(entry.getKey(), entry.getValue()));
  }

  /** Forgets every node; the routes stay as they were. */
  void clear() {
    nodes.clear();
    connNodes.clear();
  }

  /** The current membership, as a new immutable version. */
  Membership snapshot() {
    return Membership.of(nodes.values());
  }
}
