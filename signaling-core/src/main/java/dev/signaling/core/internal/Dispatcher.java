package dev.signaling.core.internal;

import dev.signaling.core.DuplicatePolicy;
import dev.signaling.core.Participant;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inbound dispatch: decodes each client message, checks it, and acts on it. Signals and
 * heartbeats take no shared lock: a signal is routed through the {@link Routes} and forwarded as
 * the very text received; a heartbeat is encoded once and fanned out over the visible {@link
 * Membership}. Register, role-assign and a connection's close become {@link Event}s for the
 * {@link EventOrder}.
 */
final class Dispatcher {

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final SignalingConfig config;
  private final Meters meters;
  private final SignalingListener listener;
  private final Routes routes;
  private final Broadcasts broadcasts;
  private final EventOrder order;
  private final Connections connections;
  private final Authentications authentications;
  private final ThrottledWarning rolePolicyFailed;

  Dispatcher(SignalingConfig config, Meters meters, SignalingListener listener, Routes routes,
      Broadcasts broadcasts, EventOrder order, Connections connections, Authentications authentications) {
    this.config = config;
    this.meters = meters;
    this.listener = listener;
    this.routes = routes;
    this.broadcasts = broadcasts;
    this.order = order;
    this.connections = connections;
    this.authentications = authentications;
    this.rolePolicyFailed = new ThrottledWarning(log, config.ticker());
  }

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

  /** The transport reported the connection closed. */
  void closed(Session session, int code, String reason, boolean remote) {
    connections.remove(session);
    meters.closed(code); // counted before the others are told: the leave may reach them at once
    submit(session, new Event.Leave(conn(session)));
    listener.connectionClosed(session.info(), code, reason, remote);
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
    String sender = session.nodeId();
    Session target = null;
    String remote = null;
    if (from == null || to == null) {
      error = Errors.MISSING_TO_OR_FROM;
    } else if (sender == null) {
      error = Errors.NOT_REGISTERED;
    } else if (config.senderBinding() && !from.equals(sender)) {
      error = Errors.FROM_MISMATCH;
    } else if ((target = routes.local(to)) == null && (remote = routes.remote(to)) == null) {
      error = Errors.PEER_NOT_FOUND;
      answer = Codec.peerNotFound(to);
    }
    if (remote != null) {
      // Held on another server: that server alone gets it, and forwards the very same text.
      meters.received(Meters.In.SIGNAL, utf8Length(text, utf8Length));
      order.forward(remote, to, text);
      listener.signalRelayed(from, to);
      return;
    }
    // The forwarded text is encoded once; its size is also the inbound byte count.
    OutboundMessage forwarded = error == null || utf8Length < 0 ? OutboundMessage.ofText(text) : null;
    meters.received(Meters.In.SIGNAL, utf8Length >= 0 ? utf8Length : forwarded.size());
    if (error != null) {
      meters.signalRefused();
      meters.error(error);
      session.deliver(answer != null ? answer : Codec.error(error));
      listener.signalRefused(session.info(), error);
      return;
    }
    target.deliver(new Outgoing(forwarded, Outgoing.Kind.SIGNAL));
    listener.signalRelayed(from, to);
  }

  private void heartbeat(Session session) {
    String sender = session.nodeId();
    if (sender == null) {
      return; // the reference ignores heartbeats before register
    }
    Outgoing message = Codec.heartbeat(sender);
    Membership members = broadcasts.visible();
    if (!session.chargeFanout((long) message.size() * (members.size() - 1))) {
      return;
    }
    for (Session s : members.sessions()) {
      if (s != session) {
        s.deliver(message);
      }
    }
    if (routes.anyRemote()) {
      order.heartbeat(message.text());
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
    Participant participant = new Participant(nodeId, username, publicKey, encryptionKey);
    Event.Register event = new Event.Register(conn(session), participant,
        config.duplicatePolicy() == DuplicatePolicy.REJECT);
    if (!session.chargeFanout(registerFanout(participant, broadcasts.visible().size()))) {
      return;
    }
    if (!authentications.checks()) {
      submit(session, event);
      return;
    }
    // Cheap limits before the expensive check, which runs off this thread.
    if (!session.admitRegister()) {
      return;
    }
    if (!authentications.admitAddress(session.info().remoteAddress())) {
      session.refused();
      return;
    }
    RegistrationRequest request = new RegistrationRequest(
        nodeId, username, publicKey, in.auth == null ? Map.of() : in.auth, session.info());
    boolean wasHolding = session.awaitCheck();
    boolean queued = authentications.check(session, request, ok -> {
      if (ok) {
        submit(session, event);
      } else {
        reply(session, Errors.UNAUTHORIZED);
      }
    });
    if (!queued) {
      session.cancelCheck(wasHolding);
      session.refused();
    }
  }

  /**
   * About the bytes a register makes the server send: its presence to every other node and its
   * entry in the list every node gets (characters stand for bytes; ids are mostly ASCII).
   */
  private static long registerFanout(Participant p, int members) {
    long entry = 30 + p.nodeId().length() + p.username().length()
        + (p.encryptionKey() == null ? 0 : p.encryptionKey().length() + 20);
    long presence = entry + 40 + p.publicKey().length();
    return presence * members + entry * (members + 1);
  }

  private void roleAssign(Session session, Inbound in) {
    String sender = session.nodeId();
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
    if (!session.chargeFanout(roleAssignSize(nodeId, assigned, sender) * broadcasts.visible().size())) {
      return;
    }
    submit(session, new Event.AssignRoles(conn(session), sender, nodeId, assigned));
  }

  private Event.Conn conn(Session session) {
    return new Event.Conn(order.server(), session.number());
  }

  private void submit(Session session, Event event) {
    Fanout fanout = session.submit(event, order);
    if (fanout != null) {
      fanout.flush();
    }
  }

  /** About the size of the role-assign message these make (characters stand for bytes). */
  private static long roleAssignSize(String nodeId, List<String> roles, String from) {
    long size = 50 + nodeId.length() + from.length();
    for (String role : roles) {
      size += role.length() + 3;
    }
    return size;
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
      rolePolicyFailed.log("Role policy threw for an assignment on connection {}; refusing it", session.info().id(), e);
      return false;
    }
  }

  private static boolean isOptionalString(Object field) {
    return field == null || field == Inbound.JSON_NULL || field instanceof String;
  }
}
