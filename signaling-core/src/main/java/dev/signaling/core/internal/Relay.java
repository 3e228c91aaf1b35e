package dev.signaling.core.internal;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.RegistrationAuthenticator;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.SignalingMetrics;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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
  private final SignalingListener events;
  private final Meters meters = new Meters();
  private final ThrottledWarning authenticatorFailed;
  private final ThrottledWarning rolePolicyFailed;
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
    this.events = new SafeListener(listener, config.ticker());
    this.authenticatorFailed = new ThrottledWarning(log, config.ticker());
    this.rolePolicyFailed = new ThrottledWarning(log, config.ticker());
  }

  public SignalingConfig config() {
    return config;
  }

  SignalingListener events() {
    return events;
  }

  public List<Participant> participants() {
    return membership.participants();
  }

  public int connectionCount() {
    return sessions.size();
  }

  public SignalingMetrics metrics() {
    long maxQueued = 0;
    for (Session s : sessions) {
      maxQueued = Math.max(maxQueued, s.queuedBytes());
    }
    return meters.snapshot(sessions.size(), membership.size(), maxQueued);
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
    Session session = new Session(this, connection, config, meters);
    boolean accepted;
    stateLock.lock();
    try {
      accepted = !closed;
      if (accepted) {
        sessions.add(session);
      }
    } finally {
      stateLock.unlock();
    }
    events.connectionOpened(session.info);
    if (!accepted) {
      connection.close(1001, "server shutting down");
    }
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

  /**
   * Handles one message of a connection.
   *
   * @param utf8Length its size in UTF-8 bytes, or -1 when not known yet
   */
  void handle(Session session, String text, int utf8Length) {
    Inbound in;
    try {
      in = Codec.decode(text);
    } catch (Codec.InvalidMessage e) {
      meters.received(Meters.In.INVALID, utf8Length(text, utf8Length));
      reply(session, e.error);
      return;
    }
    switch (in.type) {
      case "signal" -> signal(session, in, text, utf8Length);
      case "heartbeat" -> {
        meters.received(Meters.In.HEARTBEAT, utf8Length(text, utf8Length));
        heartbeat(session);
      }
      case "register" -> {
        meters.received(Meters.In.REGISTER, utf8Length(text, utf8Length));
        register(session, in);
      }
      case "role-assign" -> {
        meters.received(Meters.In.ROLE_ASSIGN, utf8Length(text, utf8Length));
        roleAssign(session, in);
      }
      default -> {
        meters.received(Meters.In.UNKNOWN, utf8Length(text, utf8Length));
        reply(session, Errors.UNKNOWN_TYPE);
      }
    }
  }

  private static long utf8Length(String text, int known) {
    return known >= 0 ? known : StandardCharsets.UTF_8.encode(text).remaining();
  }

  /** Sends an error to the connection that caused it, counting it. */
  private void reply(Session session, String error) {
    meters.error(error);
    session.deliver(Codec.error(error));
  }

  private void signal(Session session, Inbound in, String text, int utf8Length) {
    String error = null;
    Outgoing answer = null;
    String from = Inbound.nonEmptyString(in.from);
    String to = Inbound.nonEmptyString(in.to);
    String self = session.nodeId;
    Session target = null;
    if (from == null || to == null) {
      error = Errors.MISSING_TO_OR_FROM;
    } else if (self == null) {
      error = Errors.NOT_REGISTERED;
    } else if (config.senderBinding() && !from.equals(self)) {
      error = Errors.FROM_MISMATCH;
    } else if ((target = routes.get(to)) == null) {
      error = Errors.PEER_NOT_FOUND;
      answer = Codec.peerNotFound(to);
    }
    // The forwarded text is encoded once; its size is also the inbound byte count.
    OutboundMessage forwarded = error == null || utf8Length < 0 ? OutboundMessage.ofText(text) : null;
    meters.received(Meters.In.SIGNAL, utf8Length >= 0 ? utf8Length : forwarded.size());
    if (error != null) {
      meters.signalRefused();
      meters.error(error);
      session.deliver(answer != null ? answer : Codec.error(error));
      events.signalRefused(session.info, error);
      return;
    }
    target.deliver(new Outgoing(forwarded, Outgoing.Kind.SIGNAL));
    events.signalRelayed(from, to);
  }

  private void heartbeat(Session session) {
    String self = session.nodeId;
    if (self == null) {
      return; // the reference ignores heartbeats before register
    }
    Outgoing message = Codec.heartbeat(self);
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
      reply(session, Errors.MISSING_NODE_ID_OR_USERNAME);
      return;
    }
    if (!isOptionalString(in.publicKey) || !isOptionalString(in.encryptionKey)) {
      reply(session, Errors.INVALID_KEY);
      return;
    }
    String publicKey = in.publicKey instanceof String s ? s : "";
    String encryptionKey = in.encryptionKey instanceof String s ? s : null;
    if (nodeId.length() > config.maxIdLength()
        || username.length() > config.maxIdLength()
        || publicKey.length() > config.maxKeyLength()
        || (encryptionKey != null && encryptionKey.length() > config.maxKeyLength())) {
      reply(session, Errors.FIELD_TOO_LONG);
      return;
    }
    if (!authenticated(session, nodeId, username, publicKey, in.auth)) {
      reply(session, Errors.UNAUTHORIZED);
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
        meters.error(Errors.NODE_ID_TAKEN);
        fanout.enqueue(session, Codec.error(Errors.NODE_ID_TAKEN));
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
        meters.error(Errors.REPLACED);
        fanout.enqueue(previousOwner, Codec.error(Errors.REPLACED));
        previousOwner.enqueueClose(4001, "replaced");
      }
      // 3. Store: a known nodeId keeps its place in the order (and its roles).
      Node node = existing != null ? existing : new Node();
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
        events.nodeJoined(participant);
      } else {
        events.nodeReplaced(previous, participant);
      }
    } finally {
      stateLock.unlock();
      fanout.flush();
    }
  }

  private boolean authenticated(
      Session session, String nodeId, String username, String publicKey, Map<String, String> auth) {
    if (config.authenticator() == RegistrationAuthenticator.ALLOW_ALL) {
      return true;
    }
    try {
      return config.authenticator().authenticate(
          new RegistrationRequest(nodeId, username, publicKey, auth == null ? Map.of() : auth, session.info));
    } catch (RuntimeException e) {
      authenticatorFailed.log("Authenticator threw for a register on connection {}; refusing it", session.info.id(), e);
      return false;
    }
  }

  private void roleAssign(Session session, Inbound in) {
    if (session.nodeId == null) {
      reply(session, Errors.NOT_REGISTERED);
      return;
    }
    String nodeId = Inbound.nonEmptyString(in.nodeId);
    List<String> roles = in.roles;
    if (nodeId == null || roles == null || !rolesWithinLimits(roles)) {
      reply(session, Errors.MISSING_NODE_ID_OR_ROLES);
      return;
    }
    List<String> assigned = List.copyOf(roles);
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      String sender = session.nodeId;
      if (closed || sender == null) {
        meters.error(Errors.NOT_REGISTERED);
        fanout.enqueue(session, Codec.error(Errors.NOT_REGISTERED));
        return;
      }
      if (!policyAllows(session, sender, nodeId, assigned)) {
        meters.error(Errors.ROLE_ASSIGN_REFUSED);
        fanout.enqueue(session, Codec.error(Errors.ROLE_ASSIGN_REFUSED));
        return;
      }
      Outgoing message = Codec.roleAssign(nodeId, assigned, sender);
      Node node = nodes.get(nodeId);
      if (node != null) {
        // An empty list clears the node's roles: there is nothing left to replay.
        node.roleAssign = assigned.isEmpty() ? null : message;
      }
      fanout.toAllBut(membership, null, message);
      events.roleAssigned(sender, nodeId, assigned);
    } finally {
      stateLock.unlock();
      fanout.flush();
    }
  }

  /** The transport reported the connection closed. */
  void closed(Session session, int code, String reason, boolean remote) {
    Fanout fanout = new Fanout();
    stateLock.lock();
    try {
      sessions.remove(session);
      String nodeId = session.nodeId;
      if (nodeId != null) {
        Node node = nodes.get(nodeId);
        if (node != null && node.owner == session) {
          removeNode(nodeId, true, fanout);
        }
        session.nodeId = null;
      }
    } finally {
      stateLock.unlock();
      fanout.flush();
    }
    meters.closed(code);
    events.connectionClosed(session.info, code, reason, remote);
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
    events.nodeLeft(node.participant);
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

  private boolean policyAllows(Session session, String sender, String nodeId, List<String> roles) {
    try {
      return config.rolePolicy().allows(sender, nodeId, roles);
    } catch (RuntimeException e) {
      // The connection id, not the client-chosen nodeId: no client text in WARN lines.
      rolePolicyFailed.log("Role policy threw for an assignment on connection {}; refusing it", session.info.id(), e);
      return false;
    }
  }

  private static boolean isOptionalString(Object field) {
    return field == null || field == Inbound.JSON_NULL || field instanceof String;
  }

  /** A registered node; mutable, guarded by the state lock. */
  private static final class Node {
    Participant participant;
    String entry;
    Session owner;
    /** The last role-assign for this node, replayed to late joiners; null when it has none. */
    Outgoing roleAssign;
  }

  /**
   * Collects the sessions a state change enqueued messages for, so they are flushed (and slow
   * consumers closed) after the state lock is released.
   */
  private static final class Fanout {
    private final List<Session> touched = new ArrayList<>(2);
    private List<Session> overflowing;
    private Session[] all;

    void enqueue(Session s, Outgoing message) {
      if (s.enqueue(message)) {
        overflow(s);
      }
      touched.add(s);
    }

    void toAllBut(Membership m, Session except, Outgoing message) {
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
      touched.forEach(Session::flush);
      if (all != null) {
        for (Session s : all) {
          s.flush();
        }
      }
    }
  }
}
