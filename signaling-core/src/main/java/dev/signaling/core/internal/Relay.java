package dev.signaling.core.internal;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.RegistrationAuthenticator;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.SignalingMetrics;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.cluster.ClusterMember;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay/presence state machine behind {@link dev.signaling.core.SignalingHub}.
 *
 * <p><b>Consistency.</b> Register, leave and role-assign are validated on the thread that
 * received them, then become {@link Event}s that enter one global order: in-process they are
 * applied at once; in a cluster they are appended to the shared log and every server applies
 * them, in log order, to its own replica. Applying an event takes one lock, changes the replica,
 * and enqueues every message it causes into the recipients' outboxes before releasing it; the
 * outboxes are flushed after the lock is released. Enqueue order is delivery order, so every
 * connection sees state messages in the one global order in which the changes were applied.
 *
 * <p><b>Hot path.</b> Signals and heartbeats take no shared lock: a signal is routed through a
 * concurrent map and forwarded as the very text received; a heartbeat is encoded once and fanned
 * out over the current immutable {@link Membership}. In a cluster, a signal whose target lives on
 * another server is handed to the cluster for that server alone.
 */
public final class Relay {

  private static final Logger log = LoggerFactory.getLogger(Relay.class);

  private final SignalingConfig config;
  private final SignalingListener events;
  private final Meters meters = new Meters();
  private final ThrottledWarning authenticatorFailed;
  private final ThrottledWarning rolePolicyFailed;
  private final ReentrantLock stateLock = new ReentrantLock();
  /** The cluster, or null in-process (events are then applied directly, never encoded). */
  private final Cluster cluster;
  /** This server's id in events; "" in-process. */
  private final String self;

  // The replica of the membership: changed only by applying events, under stateLock.
  /** Registered nodes in registration order. */
  private final LinkedHashMap<String, Node> nodes = new LinkedHashMap<>();
  /** Which node each registered connection holds, wherever it is. */
  private final HashMap<Event.Conn, String> connNodes = new HashMap<>();
  /** Connections replaced by a newer registration, until they close: their events are ignored. */
  private final HashSet<Event.Conn> replaced = new HashSet<>();
  /**
   * Cluster only: the last role-assign for each nodeId that was not registered when it was
   * applied, in this log. A node re-published after a reset may be assigned roles before its
   * server re-publishes it; these then win over the older roles the re-publication carries.
   */
  private final HashMap<String, Event.AssignRoles> orphanRoles = new HashMap<>();
  /** Guarded by stateLock; also written under this, so that {@link #schedule} can read it. */
  private boolean closed;
  /** Non-null while re-building the replica after a log reset; guarded by stateLock. */
  private Resync resync;
  /** In-process, the position of the last applied register; guarded by stateLock. */
  private long localPosition;

  /** nodeId → owning local session, for routing signals without the lock. */
  private final ConcurrentHashMap<String, Session> routes = new ConcurrentHashMap<>();
  /** nodeId → server, for nodes held on other servers of the cluster (always empty in-process). */
  private final ConcurrentHashMap<String, String> remoteRoutes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Long, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong connectionNumbers = new AtomicLong();
  /** Flushes sessions whose membership changes wait for their next slot; started on first use. */
  private ScheduledThreadPoolExecutor timer;
  private volatile Membership membership = Membership.EMPTY;

  /** Creates a relay; use {@link dev.signaling.core.SignalingHub#create} instead. */
  public Relay(SignalingConfig config, SignalingListener listener) {
    this(config, listener, null);
  }

  /**
   * Creates a relay that is one server of {@code cluster} (null: in-process), and joins it; use
   * {@link dev.signaling.core.SignalingHub#create} instead.
   */
  public Relay(SignalingConfig config, SignalingListener listener, Cluster cluster) {
    this.config = config;
    this.events = new SafeListener(listener, config.ticker());
    this.cluster = cluster;
    this.self = cluster == null ? "" : Objects.requireNonNull(cluster.serverId(), "serverId");
    if (cluster != null) {
      cluster.join(new Member());
    }
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
    for (Session s : sessions.values()) {
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
    Session session = new Session(this, connection, config, meters, connectionNumbers.incrementAndGet());
    boolean accepted;
    stateLock.lock();
    try {
      accepted = !closed;
      if (accepted) {
        sessions.put(session.number, session);
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
      events.serverFailed(cause);
    }
  }

  /** Closes with this code and reason; false when it was closed already. */
  private boolean close(int code, String reason) {
    List<Session> all;
    stateLock.lock();
    try {
      if (closed) {
        return false;
      }
      synchronized (this) {
        closed = true;
        if (timer != null) {
          timer.shutdownNow(); // what it would flush, the shutdown below flushes
        }
      }
      all = new ArrayList<>(sessions.values());
      for (Session s : all) {
        s.enqueueClose(code, reason);
      }
    } finally {
      stateLock.unlock();
    }
    for (Session s : all) {
      s.shutdown(code, reason);
    }
    if (cluster != null) {
      cluster.close();
    }
    return true;
  }

  /**
   * Runs {@code task} on the relay's timer thread after {@code delayNanos}; false once the relay
   * is closed. The thread starts at the first call, so a hub that never delays a change has none.
   */
  synchronized boolean schedule(Runnable task, long delayNanos) {
    if (closed) {
      return false;
    }
    if (timer == null) {
      timer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "signaling-membership-timer");
        thread.setDaemon(true);
        return thread;
      });
    }
    try {
      timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
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
    String remote = null;
    if (from == null || to == null) {
      error = Errors.MISSING_TO_OR_FROM;
    } else if (self == null) {
      error = Errors.NOT_REGISTERED;
    } else if (config.senderBinding() && !from.equals(self)) {
      error = Errors.FROM_MISMATCH;
    } else if ((target = routes.get(to)) == null && (remote = remoteRoutes.get(to)) == null) {
      error = Errors.PEER_NOT_FOUND;
      answer = Codec.peerNotFound(to);
    }
    if (remote != null) {
      // Held on another server: that server alone gets it, and forwards the very same text.
      meters.received(Meters.In.SIGNAL, utf8Length(text, utf8Length));
      cluster.send(remote, EventCodec.signal(to, text));
      events.signalRelayed(from, to);
      return;
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
    if (cluster != null && !remoteRoutes.isEmpty()) {
      cluster.broadcast(EventCodec.heartbeat(message.text()));
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
    submit(session, new Event.Register(conn(session), participant,
        config.duplicatePolicy() == DuplicatePolicy.REJECT));
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
    String sender = session.nodeId;
    if (sender == null) {
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
    if (!policyAllows(session, sender, nodeId, assigned)) {
      reply(session, Errors.ROLE_ASSIGN_REFUSED);
      return;
    }
    submit(session, new Event.AssignRoles(conn(session), sender, nodeId, assigned));
  }

  /** The transport reported the connection closed. */
  void closed(Session session, int code, String reason, boolean remote) {
    sessions.remove(session.number);
    submit(session, new Event.Leave(conn(session)));
    meters.closed(code);
    events.connectionClosed(session.info, code, reason, remote);
  }

  private Event.Conn conn(Session session) {
    return new Event.Conn(self, session.number);
  }

  // ------------------------------------------------------------------ the global order

  /**
   * Puts an event of this connection into the global order. Per connection, the check and the
   * hand-over happen under the session's event lock, so that its leave always comes after its
   * other events; in-process the event is applied at once, but flushed only after that lock is
   * released (a flush may close another connection, whose close takes its own event lock).
   */
  private void submit(Session session, Event event) {
    Applied applied = null;
    synchronized (session.eventOrder) {
      if (session.eventsEnded) {
        return; // closed (or replaced and closing): nothing more from it enters the order
      }
      if (event instanceof Event.Leave) {
        session.eventsEnded = true;
        if (!session.submittedRegister) {
          return; // never registered: its close changes nothing anywhere
        }
      } else if (event instanceof Event.Register) {
        if (session.isClosing()) {
          return; // a replaced connection takes no further messages
        }
        session.submittedRegister = true;
      }
      if (cluster == null) {
        applied = apply(event, -1);
      } else {
        cluster.append(EventCodec.encode(event));
      }
    }
    if (applied != null) {
      applied.complete();
    }
  }

  /**
   * Applies one event under the state lock; the caller completes the result outside of it.
   *
   * @param position the event's place in the log (in-process: -1, numbered here)
   */
  private Applied apply(Event event, long position) {
    Applied applied = new Applied();
    stateLock.lock();
    try {
      if (closed) {
        return applied;
      }
      if (event instanceof Event.Register r) {
        applyRegister(r, position < 0 ? ++localPosition : position, applied.fanout);
      } else if (event instanceof Event.Leave l) {
        applyLeave(l, applied.fanout);
      } else if (event instanceof Event.AssignRoles a) {
        applyRoles(a, applied.fanout);
      } else {
        applySync((Event.Sync) event, applied.fanout);
      }
    } finally {
      stateLock.unlock();
    }
    return applied;
  }

  // ------------------------------------------------------------------ applying events (under stateLock)

  /** The local session behind a connection of this server, if it is still open. */
  private Session local(Event.Conn conn) {
    return conn.server().equals(self) ? sessions.get(conn.id()) : null;
  }

  private void applyRegister(Event.Register e, long position, Fanout fanout) {
    Event.Conn conn = e.conn();
    if (replaced.contains(conn)) {
      return;
    }
    Participant participant = e.participant();
    String nodeId = participant.nodeId();
    Session origin = local(conn);
    Node existing = nodes.get(nodeId);
    boolean heldByOther = existing != null && !existing.owner.equals(conn);
    orphanRoles.remove(nodeId); // a node registered anew does not inherit them
    if (heldByOther && e.reject()) {
      if (origin != null) {
        meters.error(Errors.NODE_ID_TAKEN);
        fanout.enqueue(origin, Codec.error(Errors.NODE_ID_TAKEN));
      }
      return;
    }
    // 1. This connection leaves its previous node first.
    String previousNodeId = connNodes.get(conn);
    if (previousNodeId != null && !previousNodeId.equals(nodeId)) {
      removeNode(previousNodeId, false, fanout);
    }
    // 2. Another connection holding this nodeId is replaced (REPLACE), wherever it is.
    Participant previous = existing == null ? null : existing.participant;
    if (heldByOther) {
      replace(existing, fanout);
    }
    // 3. Store: a known nodeId keeps its place in the order (and its roles).
    Node node = existing != null ? existing : new Node();
    node.participant = participant;
    node.entry = Codec.participantEntry(participant);
    if (existing == null) {
      node.rank = position;
      nodes.put(nodeId, node);
    }
    bind(node, conn, origin);
    Membership current = publish();
    // 4. presence join to every other registered connection.
    toAllBut(fanout, current, origin, Codec.presence("join", participant));
    // 5. participants to every registered connection.
    snapshotToAll(fanout, current);
    // 6. Replay the roles of every other node to the newcomer.
    if (origin != null) {
      if (resync != null) {
        resync.newcomers.add(origin);
      } else {
        replayRoles(fanout, origin, node);
      }
    }
    if (resync == null) {
      if (previous == null) {
        events.nodeJoined(participant);
      } else {
        events.nodeReplaced(previous, participant);
      }
    }
  }

  private void applyLeave(Event.Leave e, Fanout fanout) {
    if (replaced.remove(e.conn())) {
      return; // a replaced connection causes no broadcast
    }
    String nodeId = connNodes.get(e.conn());
    if (nodeId != null) {
      removeNode(nodeId, true, fanout);
    }
  }

  private void applyRoles(Event.AssignRoles e, Fanout fanout) {
    Session origin = local(e.conn());
    if (replaced.contains(e.conn())) {
      return;
    }
    if (!e.from().equals(connNodes.get(e.conn()))) {
      if (origin != null) {
        meters.error(Errors.NOT_REGISTERED);
        fanout.enqueue(origin, Codec.error(Errors.NOT_REGISTERED));
      }
      return;
    }
    Outgoing message = Codec.roleAssign(e.nodeId(), e.roles(), e.from());
    Node node = nodes.get(e.nodeId());
    if (node != null) {
      node.assignRoles(e.roles(), e.from(), message);
    } else if (cluster != null) {
      orphanRoles.put(e.nodeId(), e);
    }
    if (resync != null && !closed) {
      // An event, never held back or merged: it goes at once to the clients of the view they
      // hold, and counts as told when the resync compares roles at its end.
      fanout.toAllBut(membership, null, message);
      if (e.roles().isEmpty()) {
        resync.roles.remove(e.nodeId());
      } else {
        resync.roles.put(e.nodeId(), message.text());
      }
    } else {
      toAllBut(fanout, membership, null, message);
    }
    events.roleAssigned(e.from(), e.nodeId(), e.roles());
  }

  /** A server's nodes become exactly its claims; a claim on a nodeId held by another loses. */
  private void applySync(Event.Sync e, Fanout fanout) {
    String server = e.server();
    Map<String, Event.Claim> claims = new HashMap<>();
    for (Event.Claim c : e.claims()) {
      claims.put(c.participant().nodeId(), c);
    }
    List<Node> gone = new ArrayList<>();
    for (Node node : nodes.values()) {
      if (node.owner.server().equals(server)) {
        Event.Claim c = claims.get(node.participant.nodeId());
        if (c == null || c.conn() != node.owner.id()) {
          gone.add(node);
        }
      }
    }
    removeNodes(gone, fanout);
    boolean changed = !gone.isEmpty();
    long lastRank = Long.MIN_VALUE;
    for (Node n : nodes.values()) {
      lastRank = n.rank;
    }
    boolean reorder = false;
    List<Node> joined = new ArrayList<>();
    for (Event.Claim c : e.claims()) {
      Event.Conn conn = new Event.Conn(server, c.conn());
      Participant p = c.participant();
      Node existing = nodes.get(p.nodeId());
      Session origin = local(conn);
      if (replaced.contains(conn) || (existing == null && connNodes.containsKey(conn))) {
        continue;
      }
      if (existing != null && !existing.owner.equals(conn)) {
        // The nodeId was registered again meanwhile: the newer registration stands.
        replaced.add(conn);
        if (origin != null) {
          closeReplaced(origin, fanout);
        }
        continue;
      }
      if (existing != null && existing.participant.equals(p)) {
        continue;
      }
      Node node = existing != null ? existing : new Node();
      Participant previous = existing == null ? null : existing.participant;
      node.participant = p;
      node.entry = Codec.participantEntry(p);
      if (existing == null) {
        // Back at its old place in the registration order, as on every replica.
        node.rank = c.rank();
        reorder |= c.rank() < lastRank;
        lastRank = Math.max(lastRank, c.rank());
        nodes.put(p.nodeId(), node);
        Event.AssignRoles newer = orphanRoles.remove(p.nodeId());
        if (newer != null) {
          node.assignRoles(newer.roles(), newer.from(), Codec.roleAssign(p.nodeId(), newer.roles(), newer.from()));
        } else if (c.roles() != null) {
          node.assignRoles(c.roles(), c.rolesFrom(), Codec.roleAssign(p.nodeId(), c.roles(), c.rolesFrom()));
        }
      }
      bind(node, conn, origin);
      joined.add(node);
      if (resync == null) {
        if (previous == null) {
          events.nodeJoined(p);
        } else {
          events.nodeReplaced(previous, p);
        }
      }
    }
    if (reorder) {
      List<Map.Entry<String, Node>> ordered = new ArrayList<>(nodes.entrySet());
      ordered.sort(java.util.Comparator.comparingLong(entry -> entry.getValue().rank));
      nodes.clear();
      ordered.forEach(entry -> nodes.put(entry.getKey(), entry.getValue()));
    }
    if (changed || !joined.isEmpty()) {
      Membership current = publish();
      for (Node node : joined) {
        toAllBut(fanout, current, node.session, Codec.presence("join", node.participant));
      }
      snapshotToAll(fanout, current);
    }
    if (resync != null && resync.awaiting.remove(server) && resync.awaiting.isEmpty()) {
      finishResync(fanout);
    }
  }

  /** This server is gone for the cluster: all its nodes leave (one participants at the end). */
  private void applyGone(String server, Fanout fanout, List<Event.Claim> ownNodes) {
    List<Node> gone = new ArrayList<>();
    for (Node node : nodes.values()) {
      if (node.owner.server().equals(server)) {
        if (node.session != null) {
          ownNodes.add(node.claim());
        }
        gone.add(node);
      }
    }
    replaced.removeIf(c -> c.server().equals(server));
    if (!gone.isEmpty()) {
      removeNodes(gone, fanout);
      snapshotToAll(fanout, membership());
    }
  }

  /**
   * Removes several nodes at once (a server's): {@code presence leave} for each goes to the
   * connections that remain registered; no participants (the caller sends one).
   */
  private void removeNodes(List<Node> gone, Fanout fanout) {
    if (gone.isEmpty()) {
      return;
    }
    for (Node node : gone) {
      nodes.remove(node.participant.nodeId());
      unbind(node);
    }
    Membership current = publish();
    for (Node node : gone) {
      toAllBut(fanout, current, null, Codec.presence("leave", node.participant));
      if (resync == null) {
        events.nodeLeft(node.participant);
      }
    }
  }

  /** Removes a node: its roles go with it; presence leave to the others, then maybe participants. */
  private void removeNode(String nodeId, boolean sendParticipants, Fanout fanout) {
    Node node = nodes.remove(nodeId);
    unbind(node);
    Membership current = publish();
    toAllBut(fanout, current, node.session, Codec.presence("leave", node.participant));
    if (sendParticipants) {
      snapshotToAll(fanout, current);
    }
    if (resync == null) {
      events.nodeLeft(node.participant);
    }
  }

  /** The older holder of a nodeId under REPLACE: no leave for it; closed with 4001 if it is ours. */
  private void replace(Node existing, Fanout fanout) {
    Session older = existing.session;
    unbind(existing);
    replaced.add(existing.owner);
    if (older != null) {
      closeReplaced(older, fanout);
    }
  }

  private void closeReplaced(Session older, Fanout fanout) {
    older.nodeId = null;
    meters.error(Errors.REPLACED);
    fanout.enqueue(older, Codec.error(Errors.REPLACED));
    older.enqueueClose(4001, "replaced");
  }

  /** Makes {@code conn} the holder of {@code node}, and updates the routes. */
  private void bind(Node node, Event.Conn conn, Session session) {
    String nodeId = node.participant.nodeId();
    node.owner = conn;
    node.session = session;
    connNodes.put(conn, nodeId);
    if (session != null) {
      session.nodeId = nodeId;
      routes.put(nodeId, session);
      remoteRoutes.remove(nodeId);
    } else {
      routes.remove(nodeId);
      if (!conn.server().equals(self)) {
        remoteRoutes.put(nodeId, conn.server());
      }
    }
  }

  private void unbind(Node node) {
    String nodeId = node.participant.nodeId();
    connNodes.remove(node.owner, nodeId);
    if (node.session != null) {
      routes.remove(nodeId, node.session);
      node.session.nodeId = null;
    } else {
      remoteRoutes.remove(nodeId, node.owner.server());
    }
  }

  /** Publishes the current replica for lock-free readers, unless a resync holds it back. */
  private Membership publish() {
    int n = nodes.size();
    Participant[] participants = new Participant[n];
    String[] entries = new String[n];
    Session[] local = new Session[n];
    int i = 0;
    int l = 0;
    for (Node node : nodes.values()) {
      participants[i] = node.participant;
      entries[i] = node.entry;
      if (node.session != null) {
        local[l++] = node.session;
      }
      i++;
    }
    Membership m = new Membership(participants, entries, l == n ? local : java.util.Arrays.copyOf(local, l));
    if (resync == null) {
      membership = m;
    }
    return m;
  }

  private Membership membership() {
    return resync == null ? membership : publish();
  }

  // Broadcasts of state messages: held back while a resync rebuilds the replica.

  private void toAllBut(Fanout fanout, Membership m, Session except, Outgoing message) {
    if (resync == null && !closed) {
      fanout.toAllBut(m, except, message);
    }
  }

  private void snapshotToAll(Fanout fanout, Membership m) {
    if (resync == null && !closed) {
      fanout.snapshotToAll(m);
    }
  }

  private void replayRoles(Fanout fanout, Session session, Node own) {
    for (Node other : nodes.values()) {
      if (other != own && other.roleAssign != null) {
        fanout.enqueue(session, other.roleAssign);
      }
    }
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

  // ------------------------------------------------------------------ the cluster's side

  /** What the cluster delivers: log entries on its reader thread, messages from other servers. */
  private final class Member implements ClusterMember {

    @Override
    public void onEvent(String text, long position) {
      Event event;
      try {
        event = EventCodec.decode(text);
      } catch (EventCodec.Unreadable e) {
        log.warn("Skipping a cluster event this server cannot read (as every server of this version does)", e);
        return;
      }
      apply(event, position).complete();
    }

    @Override
    public void onServerGone(String server) {
      Applied applied = new Applied();
      stateLock.lock();
      try {
        if (closed) {
          return;
        }
        List<Event.Claim> own = new ArrayList<>();
        boolean itself = server.equals(self);
        if (itself) {
          // Declared gone while alive (cut off for longer than the lease): re-publish our nodes,
          // and spare our clients the leave-and-join of the meantime.
          startResync(Set.of(self));
        }
        applyGone(server, applied.fanout, own);
        if (itself) {
          applied.followUp = EventCodec.encode(new Event.Sync(self, own));
        }
      } finally {
        stateLock.unlock();
      }
      applied.complete();
    }

    @Override
    public String onLogReset() {
      stateLock.lock();
      try {
        List<Event.Claim> own = new ArrayList<>();
        Set<String> awaiting = new HashSet<>();
        awaiting.add(self);
        for (Node node : nodes.values()) {
          awaiting.add(node.owner.server());
          if (node.owner.server().equals(self)) {
            own.add(node.claim());
          }
        }
        if (resync != null) {
          awaiting.addAll(resync.servers);
        }
        startResync(awaiting);
        // A fresh replica, built from the new log alone, as on every other server. The routes
        // stay as they were, so local and cross-server signals keep flowing meanwhile.
        nodes.clear();
        connNodes.clear();
        replaced.clear();
        orphanRoles.clear();
        return EventCodec.encode(new Event.Sync(self, own));
      } finally {
        stateLock.unlock();
      }
    }

    @Override
    public void onMessage(String message) {
      try {
        receive(message);
      } catch (RuntimeException e) {
        log.warn("Dropping a malformed message from another server", e);
      }
    }
  }

  /** A signal for one of our nodes, or a heartbeat for all of them, sent by another server. */
  private void receive(String message) {
    char kind = message.isEmpty() ? 0 : message.charAt(0);
    if (kind == EventCodec.SIGNAL) {
      int colon = message.indexOf(':');
      int length = Integer.parseInt(message, 1, colon, 10);
      String to = message.substring(colon + 1, colon + 1 + length);
      Session target = routes.get(to);
      if (target != null) {
        String text = message.substring(colon + 1 + length);
        target.deliver(new Outgoing(OutboundMessage.ofText(text), Outgoing.Kind.SIGNAL));
      } else {
        log.debug("Dropping a signal for {}: it left this server meanwhile", to);
      }
    } else if (kind == EventCodec.HEARTBEAT) {
      Outgoing heartbeat = new Outgoing(OutboundMessage.ofText(message.substring(1)), Outgoing.Kind.HEARTBEAT);
      for (Session s : membership.sessions()) {
        s.deliver(heartbeat);
      }
    } else {
      throw new IllegalArgumentException("unknown message kind " + kind);
    }
  }

  // ------------------------------------------------------------------ resync after a log reset

  /**
   * Holds state broadcasts back while the replica is rebuilt, until every awaited server has
   * re-published its nodes (or {@link Cluster#failureTimeout()} passed); then tells clients only
   * the difference between what they knew and the rebuilt membership.
   */
  private void startResync(Set<String> awaiting) {
    if (resync == null) {
      Map<String, String> roles = new HashMap<>();
      for (Node node : nodes.values()) {
        if (node.roleAssign != null) {
          roles.put(node.participant.nodeId(), node.roleAssign.text());
        }
      }
      Resync r = new Resync(membership, roles);
      resync = r;
      long timeout = cluster.failureTimeout().toMillis();
      CompletableFuture.delayedExecutor(timeout, TimeUnit.MILLISECONDS).execute(() -> resyncExpired(r));
    }
    resync.awaiting.addAll(awaiting);
    resync.servers.addAll(awaiting);
  }

  private void resyncExpired(Resync r) {
    Applied applied = new Applied();
    stateLock.lock();
    try {
      if (resync != r || closed) {
        return;
      }
      log.warn("Servers {} did not re-publish their nodes within {}; they are taken as gone",
          r.awaiting, cluster.failureTimeout());
      finishResync(applied.fanout);
    } finally {
      stateLock.unlock();
    }
    applied.complete();
  }

  private void finishResync(Fanout fanout) {
    Resync r = resync;
    resync = null;
    Membership current = publish();
    List<Session> informed = new ArrayList<>();
    for (Session s : current.sessions()) {
      if (!r.newcomers.contains(s)) {
        informed.add(s);
      }
    }
    Map<String, Participant> before = new HashMap<>();
    for (Participant p : r.view.participants()) {
      before.put(p.nodeId(), p);
      if (!nodes.containsKey(p.nodeId())) {
        Outgoing leave = Codec.presence("leave", p);
        informed.forEach(s -> fanout.enqueue(s, leave));
        events.nodeLeft(p);
      }
    }
    for (Node node : nodes.values()) {
      Participant old = before.get(node.participant.nodeId());
      if (old == null || !old.equals(node.participant)) {
        Outgoing join = Codec.presence("join", node.participant);
        for (Session s : informed) {
          if (s != node.session) {
            fanout.enqueue(s, join);
          }
        }
        if (old == null) {
          events.nodeJoined(node.participant);
        } else {
          events.nodeReplaced(old, node.participant);
        }
      }
    }
    boolean listChanged = !r.view.participants().equals(current.participants());
    for (Session s : current.sessions()) {
      if (listChanged || r.newcomers.contains(s)) {
        fanout.snapshot(s, current);
      }
    }
    for (Node node : nodes.values()) {
      if (node.roleAssign != null && !node.roleAssign.text().equals(r.roles.get(node.participant.nodeId()))) {
        informed.forEach(s -> fanout.enqueue(s, node.roleAssign));
      }
    }
    for (Session s : current.sessions()) {
      if (r.newcomers.contains(s)) {
        replayRoles(fanout, s, nodes.get(s.nodeId));
      }
    }
    // The routes served from the old replica meanwhile: align them with the new one.
    routes.forEach((nodeId, s) -> {
      Node node = nodes.get(nodeId);
      if (node == null || node.session != s) {
        routes.remove(nodeId, s);
      }
    });
    for (Session s : sessions.values()) {
      String nodeId = s.nodeId;
      Node node = nodeId == null ? null : nodes.get(nodeId);
      if (nodeId != null && (node == null || node.session != s)) {
        s.nodeId = null;
      }
    }
    remoteRoutes.forEach((nodeId, server) -> {
      Node node = nodes.get(nodeId);
      if (node == null || node.session != null || !node.owner.server().equals(server)) {
        remoteRoutes.remove(nodeId, server);
      }
    });
  }

  /** The state of a resync; guarded by stateLock. */
  private static final class Resync {
    /** What this server's clients were last told. */
    final Membership view;
    /** nodeId → text of its last role-assign, as clients were last told. */
    final Map<String, String> roles;
    /** Servers whose re-publication is still awaited. */
    final Set<String> awaiting = new HashSet<>();
    /** Every server awaited since the resync began. */
    final Set<String> servers = new HashSet<>();
    /** Local connections that registered meanwhile: they get a full picture at the end. */
    final Set<Session> newcomers = new HashSet<>();

    Resync(Membership view, Map<String, String> roles) {
      this.view = view;
      this.roles = roles;
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A registered node in the replica; mutable, guarded by the state lock. */
  private static final class Node {
    Participant participant;
    String entry;
    /** Its place in the registration order: the log position of its registration. */
    long rank;
    /** The connection that holds it, on whichever server. */
    Event.Conn owner;
    /** That connection's session when it is one of ours and open, else null. */
    Session session;
    /** The last role-assign for this node, replayed to late joiners; null when it has none. */
    Outgoing roleAssign;
    List<String> roles;
    String rolesFrom;

    void assignRoles(List<String> assigned, String from, Outgoing message) {
      // An empty list clears the node's roles: there is nothing left to replay.
      boolean none = assigned.isEmpty();
      roleAssign = none ? null : message;
      roles = none ? null : assigned;
      rolesFrom = none ? null : from;
    }

    Event.Claim claim() {
      return new Event.Claim(owner.id(), rank, participant, roles, rolesFrom);
    }
  }

  /** What applying one event left to do once the state lock is released. */
  private final class Applied {
    final Fanout fanout = new Fanout();
    /** An event to append afterwards (a re-publication); cluster mode only. */
    String followUp;

    void complete() {
      fanout.flush();
      if (followUp != null) {
        cluster.append(followUp);
      }
    }
  }

  /**
   * Collects the sessions a state change enqueued messages for, so they are flushed (and slow
   * consumers closed) after the state lock is released.
   */
  private static final class Fanout {
    private final List<Session> touched = new ArrayList<>(2);
    private List<Session> overflowing;
    /** The sessions of every membership broadcast to; usually one array. */
    private List<Session[]> all;

    void enqueue(Session s, Outgoing message) {
      if (s.enqueue(message)) {
        overflow(s);
      }
      touched.add(s);
    }

    void snapshot(Session s, Membership m) {
      s.enqueueSnapshot(m);
      touched.add(s);
    }

    void toAllBut(Membership m, Session except, Outgoing message) {
      for (Session s : m.sessions()) {
        if (s != except && s.enqueue(message)) {
          overflow(s);
        }
      }
      broadcastTo(m);
    }

    void snapshotToAll(Membership m) {
      for (Session s : m.sessions()) {
        s.enqueueSnapshot(m);
      }
      broadcastTo(m);
    }

    private void broadcastTo(Membership m) {
      if (all == null) {
        all = new ArrayList<>(1);
      }
      if (all.isEmpty() || all.get(all.size() - 1) != m.sessions()) {
        all.add(m.sessions());
      }
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
      if (all == null) {
        return;
      }
      if (all.size() == 1) {
        for (Session s : all.get(0)) {
          s.flushIfIdle();
        }
      } else {
        // Several versions (a server's nodes leaving one by one): flush each session once.
        Set<Session> once = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Session[] sessions : all) {
          for (Session s : sessions) {
            if (once.add(s)) {
              s.flushIfIdle();
            }
          }
        }
      }
    }
  }
}
