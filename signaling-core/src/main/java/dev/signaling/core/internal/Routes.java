package dev.signaling.core.internal;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each registered nodeId is reached, for routing signals without the state lock: a local
 * session, or (in a cluster) the server that holds it. Written only by the {@link Replica} under
 * its state lock; read from any thread.
 */
final class Routes {

  /** nodeId → owning local session. */
  private final ConcurrentHashMap<String, Session> local = new ConcurrentHashMap<>();
  /** nodeId → server, for nodes held on other servers of the cluster (always empty in-process). */
  private final ConcurrentHashMap<String, String> remote = new ConcurrentHashMap<>();

  /** The local session holding {@code nodeId}, or null. */
  Session local(String nodeId) {
    return local.get(nodeId);
  }

  /** The other server holding {@code nodeId}, or null. */
  String remote(String nodeId) {
    return remote.get(nodeId);
  }

  /** Whether some node is held on another server. */
  boolean anyRemote() {
    return !remote.isEmpty();
  }

  /** {@code session} of this server holds {@code nodeId}. */
  void toLocal(String nodeId, Session session) {
    session.holds(nodeId);
    local.put(nodeId, session);
    remote.remove(nodeId);
  }

  /** A connection of {@code server} (maybe this one's, already closed) holds {@code nodeId}. */
  void toServer(String nodeId, String server, boolean isOther) {
    local.remove(nodeId);
    if (isOther) {
      remote.put(nodeId, server);
    }
  }

  /** {@code session} no longer holds {@code nodeId}. */
  void dropLocal(String nodeId, Session session) {
    local.remove(nodeId, session);
    session.holds(null);
  }

  /** {@code server} no longer holds {@code nodeId}. */
  void dropRemote(String nodeId, String server) {
    remote.remove(nodeId, server);
  }

  /**
   * After a resync, when the routes served from an older replica meanwhile: drops every route
   * and every session's nodeId that {@code nodes} no longer has.
   */
  void realign(Map<String, Node> nodes, Collection<Session> sessions) {
    local.forEach((nodeId, s) -> {
      Node node = nodes.get(nodeId);
      if (node == null || node.session != s) {
        local.remove(nodeId, s);
      }
    });
    for (Session s : sessions) {
      String nodeId = s.nodeId();
      Node node = nodeId == null ? null : nodes.get(nodeId);
      if (nodeId != null && (node == null || node.session != s)) {
        s.holds(null);
      }
    }
    remote.forEach((nodeId, server) -> {
      Node node = nodes.get(nodeId);
      if (node == null || node.session != null || !node.owner.server().equals(server)) {
        remote.remove(nodeId, server);
      }
    });
  }
}
