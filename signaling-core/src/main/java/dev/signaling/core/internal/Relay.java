package dev.signaling.core.internal;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.OutboundMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay/presence state machine behind {@link dev.signaling.core.SignalingHub}.
 *
 * <p><b>Consistency.</b> Register, leave and role-assign take one lock, apply their change, and
 * enqueue every message they cause into the recipients' outboxes before releasing it; the
 * outboxes are flushed after the lock is released. Enqueue order is delivery order, so every
 * connection sees state messages in the one global order in which the changes were applied.
 *
 * <p><b>Hot path.</b> Signals and heartbeats take no shared lock: a signal is routed through a
 * concurrent map and forwarded as the very text received; a heartbeat is encoded once and fanned
 * out over the current immutable {@link Membership}.
 */
public final class Relay {

  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  private final SignalingConfig config;
  private final SignalingListener listener;
  private final ReentrantLock stateLock = new ReentrantLock();

  /** Registered nodes in registration order. Guarded by stateLock. */
  private final LinkedHashMap<String, Node> nodes = new LinkedHashMap<>();
  /** Guarded by stateLock. */
  private boolean closed;

  /** nodeId → owning session, for routing signals without the lock. */
  private final ConcurrentHashMap<String, Session> routes = new ConcurrentHashMap<>();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private volatile Membership membership = Membership.EMPTY;

  /** Creates a relay; use {@link dev.signaling.core.SignalingHub#create} instead. */
  public Relay(SignalingConfig config, SignalingListener listener) {
    this.config = config;
    this.listener = listener;
  }

  public SignalingConfig config() {
    return config;
  }

  public List<Participant> participants() {
    return membership.participants();
  }

  public int connectionCount() {
    return sessions.size();
  }

  public boolean isClosed() {
    stateLock.lock();
    try {
      return closed;
    } finally {
      stateLock.unlock();
    }
  }

  public ConnectionHandler open(Connection connection) {
    Session session = new Session(this, connection, config);
    stateLock.lock();
    try {
      if (!closed) {
        sessions.add(session);
        return session;
      }
    } finally {
      stateLock.unlock();
    }
    connection.close(1001, "server shutting down");
    return session;
  }

  /** Closes every connection with 1001 behind what is already queued for it. Idempotent. */
  public void close() {
    List<Session> all;
    stateLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      all = new ArrayList<>(sessions);
      for (Session s : all) {
        s.enqueueClose(1001, "server shutting down");
      }
    } finally {
      stateLock.unlock();
    }
    all.forEach(Session::flush);
  }

  // ------------------------------------------------------------------ inbound dispatch

  void handle(Session session, String text) {
    Inbound in;
    try {
      in = Codec.decode(text);
    } catch (Codec.InvalidMessage e) {
      session.deliver(Codec.error(e.error));
      return;
    }
    switch (in.type) {
      case "signal" -> signal(session, in, text);
      case "heartbeat" -> heartbeat(session);
      case "register" -> register(session, in);
      case "role-assign" -> roleAssign(session, in);
      default -> session.deliver(Codec.error(Errors.UNKNOWN_TYPE));
    }
  }

  private void signal(Session session, Inbound in, String text) {
    String from = Inbound.nonEmptyString(in.from);
    String to = Inbound.nonEmptyString(in.to);
    if (from == null || to == null) {
      session.deliver(Codec.error(Errors.MISSING_TO_OR_FROM));
      return;
    }
    String self = session.nodeId;
    if (self == null) {
      session.deliver(Codec.error(Errors.NOT_REGISTERED));
      return;
    }
    if (config.senderBinding() && !from.equals(self)) {
      session.deliver(Codec.error(Errors.FROM_MISMATCH));
      return;
    }
    Session target = routes.get(to);
    if (target == null) {
      session.deliver(Codec.peerNotFound(to));
      return;
    }
    target.deliver(OutboundMessage.ofText(text));
  }

  private void heartbeat(Session session) {
    String self = session.nodeId;
    if (self == null) {
      return; // the reference ignores heartbeats before register
    }
    OutboundMessage message = Codec.heartbeat(self);
    for (Session s : membership.sessions()) {
      if (s != session) {
        s.deliver(message);
      }
    }
  }

  private void register(Session session, Inbound in) {
    String nodeId = Inbound.nonEmptyString(in.nodeId);
    String username = Inbound.nonEmptyString(in.username);
    if (nodeId == null || username == null) {
      session.deliver(Codec.error(Errors.MISSING_NODE_ID_OR_USERNAME));
      return;
    }
    if (!isOptionalString(in.publicKey) || !isOptionalString(in.encryptionKey)) {
      session.deliver(Codec.error(Errors.INVALID_KEY));
      return;
    }
    String publicKey = in.publicKey instanceof String s ? s : "";
    String encryptionKey = in.encryptionKey instanceof String s ? s : null;
    if (nodeId.length() > config.maxIdLength()
        || username.length() > config.maxIdLength()
        || publicKey.length() > config.maxKeyLength()
        || (encryptionKey != null && encryptionKey.length() > config.maxKeyLength())) {
      session.deliver(Codec.error(Errors.FIELD_TOO_LONG));
      return;
    }
    Participant participant = new Participant(nodeId, username, publicKey, encryptionKey);

    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      if (closed || !sessions.contains(session) || session.isClosing()) {
        return;
      }
      Node existing = nodes.get(nodeId);
      Participant previous = existing == null ? null : existing.participant;
      Session previousOwner = existing == null ? null : existing.owner;
      if (previousOwner != null && previousOwner != session
          && config.duplicatePolicy() == DuplicatePolicy.REJECT) {
        fanout.direct(session, Codec.error(Errors.NODE_ID_TAKEN));
        return;
      }
      // 1. This connection leaves its previous node first.
      String previousNodeId = session.nodeId;
      if (previousNodeId != null && !previousNodeId.equals(nodeId)) {
        removeNode(previousNodeId, false, fanout);
      }
      // 2. Another connection holding this nodeId is replaced (REPLACE).
      if (previousOwner != null && previousOwner != session) {
        previousOwner.nodeId = null;
        fanout.enqueue(previousOwner, Codec.error(Errors.REPLACED));
        previousOwner.enqueueClose(4001, "replaced");
      }
      // 3. Store: a known nodeId keeps its place in the order (and its roles).
      Node node = existing != null ? existing : new Node(nodeId);
      node.participant = participant;
      node.entry = Codec.participantEntry(participant);
      node.owner = session;
      if (existing == null) {
        nodes.put(nodeId, node);
      }
      session.nodeId = nodeId;
      routes.put(nodeId, session);
      Membership current = publish();
      // 4. presence join to every other registered connection.
      fanout.toAllBut(current, session, Codec.presence("join", participant));
      // 5. participants to every registered connection.
      fanout.snapshotToAll(current);
      // 6. Replay the roles of every other node to the newcomer.
      for (Node other : nodes.values()) {
        if (other != node && other.roleAssign != null) {
          fanout.enqueue(session, other.roleAssign);
        }
      }
      if (previous == null) {
        notify(l -> l.nodeJoined(participant));
      } else {
        notify(l -> l.nodeReplaced(previous, participant));
      }
    } finally {
      stateLock.unlock();
      fanout.flush();
    }
  }

  private void roleAssign(Session session, Inbound in) {
    if (session.nodeId == null) {
      session.deliver(Codec.error(Errors.NOT_REGISTERED));
      return;
    }
    String nodeId = Inbound.nonEmptyString(in.nodeId);
    List<String> roles = in.roles;
    if (nodeId == null || roles == null || !rolesWithinLimits(roles)) {
      session.deliver(Codec.error(Errors.MISSING_NODE_ID_OR_ROLES));
      return;
    }
    List<String> assigned = List.copyOf(roles);
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      String sender = session.nodeId;
      if (closed || sender == null) {
        fanout.direct(session, Codec.error(Errors.NOT_REGISTERED));
        return;
      }
      if (!policyAllows(sender, nodeId, assigned)) {
        fanout.direct(session, Codec.error(Errors.ROLE_ASSIGN_REFUSED));
        return;
      }
      OutboundMessage message = Codec.roleAssign(nodeId, assigned, sender);
      Node node = nodes.get(nodeId);
      if (node != null) {
        // An empty list clears the node's roles: there is nothing left to replay.
        node.roleAssign = assigned.isEmpty() ? null : message;
      }
      fanout.toAllBut(membership, null, message);
    } finally {
      stateLock.unlock();
      fanout.flush();
    }
  }

  /** The transport reported the connection closed. */
  void closed(Session session) {
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      sessions.remove(session);
      String nodeId = session.nodeId;
      if (nodeId != null) {
        session.nodeId = null;
        Node node = nodes.get(nodeId);
        if (node != null && node.owner == session) {
          removeNode(nodeId, true, fanout);
        }
      }
    } finally {
      stateLock.unlock();
      fanout.flush();
    }
  }

  // ------------------------------------------------------------------ state helpers (under stateLock)

  /** Removes a node: its roles go with it; presence leave to the others, then maybe participants. */
  private void removeNode(String nodeId, boolean sendParticipants, Fanout fanout) {
    Node node = nodes.remove(nodeId);
    routes.remove(nodeId, node.owner);
    node.owner.nodeId = null;
    Membership current = publish();
    if (!closed) {
      fanout.toAllBut(current, node.owner, Codec.presence("leave", node.participant));
      if (sendParticipants) {
        fanout.snapshotToAll(current);
      }
    }
    Participant left = node.participant;
    notify(l -> l.nodeLeft(left));
  }

  /** Publishes the current membership for lock-free readers. */
  private Membership publish() {
    int n = nodes.size();
    Participant[] participants = new Participant[n];
    String[] entries = new String[n];
    Session[] owners = new Session[n];
    int i = 0;
    for (Node node : nodes.values()) {
      participants[i] = node.participant;
      entries[i] = node.entry;
      owners[i] = node.owner;
      i++;
    }
    Membership m = new Membership(participants, entries, owners);
    membership = m;
    return m;
  }

  private boolean rolesWithinLimits(List<String> roles) {
    if (roles.size() > config.maxRoles()) {
      return false;
    }
    for (String role : roles) {
      if (role.length() > config.maxRoleLength()) {
        return false;
      }
    }
    return true;
  }

  private boolean policyAllows(String sender, String nodeId, List<String> roles) {
    try {
      return config.rolePolicy().allows(sender, nodeId, roles);
    } catch (RuntimeException e) {
      log.warn("Role policy threw for an assignment by {}; refusing it", sender, e);
      return false;
    }
  }

  private void notify(Consumer<SignalingListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException | Error e) {
      log.warn("Signaling listener threw; ignored", e);
    }
  }

  private static boolean isOptionalString(Object field) {
    return field == null || field == Inbound.JSON_NULL || field instanceof String;
  }

  /** A registered node; mutable, guarded by the state lock. */
  private static final class Node {
    final String nodeId;
    Participant participant;
    String entry;
    Session owner;
    /** The last role-assign for this node, replayed to late joiners; null when it has none. */
    OutboundMessage roleAssign;

    Node(String nodeId) {
      this.nodeId = nodeId;
    }
  }

  /**
   * Collects the sessions a state change enqueued messages for, so they are flushed (and slow
   * consumers closed) after the state lock is released.
   */
  private static final class Fanout {
    private final List<Session> touched = new ArrayList<>();
    private List<Session> overflowing;
    private Session[] all;

    void enqueue(Session s, OutboundMessage message) {
      if (s.enqueue(message)) {
        overflow(s);
      }
      touched.add(s);
    }

    /** A direct answer to the caller only: still enqueued, so it keeps its place in the order. */
    void direct(Session s, OutboundMessage message) {
      enqueue(s, message);
    }

    void toAllBut(Membership m, Session except, OutboundMessage message) {
      for (Session s : m.sessions()) {
        if (s != except && s.enqueue(message)) {
          overflow(s);
        }
      }
      all = m.sessions();
    }

    void snapshotToAll(Membership m) {
      for (Session s : m.sessions()) {
        s.enqueueSnapshot(m);
      }
      all = m.sessions();
    }

    private void overflow(Session s) {
      if (overflowing == null) {
        overflowing = new ArrayList<>();
      }
      overflowing.add(s);
    }

    void flush() {
      if (overflowing != null) {
        overflowing.forEach(Session::slowConsumer);
      }
      for (Session s : touched) {
        s.flush();
      }
      if (all != null) {
        for (Session s : all) {
          s.flush();
        }
      }
    }
  }
}
