package dev.signaling.core.internal;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's side of one connection: the {@link ConnectionHandler} a transport feeds, the
 * nodeId it holds, and the order of its state events; its rate limits are an {@link InboundGate},
 * its outgoing queue an {@link Outbox}, and what it sends while its register is checked waits in
 * {@link HeldInbound}.
 */
final class Session implements ConnectionHandler {

  private static final Logger log = LoggerFactory.getLogger(Session.class);

  /** The close code of a connection the application disconnected. */
  static final int DISCONNECTED = 4002;

  private final Dispatcher dispatcher;
  private final Connection connection;
  private final ConnectionInfo info;
  private final Meters meters;
  private final SignalingListener listener;
  private final long number;
  private final InboundGate gate;
  private final Outbox outbox;
  private final HeldInbound held;
  /** When it was opened, on the scheduler's clock. */
  private final long openedAt;

  /** The nodeId this connection currently holds; written under the replica's state lock. */
  private volatile String nodeId;
  /** It held a nodeId at some point. */
  private volatile boolean registered;

  /** Orders this connection's events: its leave enters the global order after its other events. */
  private final Object eventLock = new Object();
  /**
   * Written under eventLock, before the leave is submitted: its leave was submitted, nothing more
   * is. Volatile for {@link #eventsEnded()}.
   */
  private volatile boolean eventsEnded;
  /** Guarded by eventLock: a register was submitted at some point, so its close matters. */
  private boolean submittedRegister;

  /** What every session of one relay shares. */
  record Context(Dispatcher dispatcher, SignalingConfig config, Meters meters, SignalingListener listener,
      Scheduler scheduler, QueuedBudget budget) {}

  Session(Context context, Connection connection, long number) {
    this.dispatcher = context.dispatcher();
    this.connection = connection;
    this.info = new ConnectionInfo(connection.id(), connection.handshake());
    this.meters = context.meters();
    this.listener = context.listener();
    this.number = number;
    this.gate = new InboundGate(context.config());
    MembershipPacer pacer = new MembershipPacer(
        context.config().membershipInterval().toNanos(), context.scheduler(), this::wake);
    this.outbox = new Outbox(connection, meters, context.config().maxQueuedBytes(), pacer, context.budget());
    this.held = new HeldInbound();
    this.openedAt = context.scheduler().nanos();
  }

  /** When it was opened, on the scheduler's clock. */
  long openedAt() {
    return openedAt;
  }

  /** Whether it ever held a nodeId. */
  boolean registered() {
    return registered;
  }

  /** This connection's number on this server: its identity in the cluster's events. */
  long number() {
    return number;
  }

  ConnectionInfo info() {
    return info;
  }

  /** The nodeId this connection holds, or null. */
  String nodeId() {
    return nodeId;
  }

  /** Records the nodeId this connection holds (null: none); under the replica's state lock. */
  void holds(String nodeId) {
    this.nodeId = nodeId;
    if (nodeId != null) {
      registered = true;
    }
  }

  /**
   * Whether its leave was submitted (or is being submitted). Read without the event lock by a
   * re-publication, which is appended under the cluster link's append order: a claim made while
   * this is false enters the log ahead of the leave.
   */
  boolean eventsEnded() {
    return eventsEnded;
  }

  /**
   * Puts one of this connection's events into the global order: the check and the hand-over
   * happen under this connection's event lock, so that its leave always comes after its other
   * events. The caller flushes the result after that lock is released (a flush may close another
   * connection, whose close takes its own event lock).
   *
   * @return what applying the event left to flush, or null
   */
  Fanout submit(Event event, EventOrder order) {
    synchronized (eventLock) {
      if (eventsEnded) {
        return null; // closed (or replaced and closing): nothing more from it enters the order
      }
      if (event instanceof Event.Leave) {
        eventsEnded = true;
        if (!submittedRegister) {
          return null; // never registered: its close changes nothing anywhere
        }
      } else if (event instanceof Event.Register) {
        if (outbox.isClosing()) {
          return null; // a replaced connection takes no further messages
        }
        submittedRegister = true;
      }
      return order.enter(event);
    }
  }

  @Override
  public void onText(String text) {
    if (outbox.isAborted()) {
      return; // being dropped: nothing it still sends takes effect
    }
    try {
      if (admit()) {
        handle(text, -1);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /** Handles a message now, or holds it behind a register that waits for its check. */
  private void handle(String text, int utf8Length) {
    HeldInbound.Verdict verdict = held.offer(text, utf8Length);
    if (verdict == HeldInbound.Verdict.FREE) {
      dispatcher.handle(this, text, utf8Length);
    } else if (verdict == HeldInbound.Verdict.FULL) {
      rateLimited(gate.refuse());
    }
  }

  /**
   * A register of this connection goes to the authenticator: its later messages wait until
   * {@link #checked()}. See {@link HeldInbound#awaitCheck}.
   */
  boolean awaitCheck() {
    return held.awaitCheck();
  }

  /** See {@link HeldInbound#cancelCheck}. */
  void cancelCheck(boolean wasHolding) {
    held.cancelCheck(wasHolding);
  }

  /**
   * The register's check is done and its outcome applied (on the authenticator's thread): handles
   * what waited behind it, in order, until none is left or another register waits for a check.
   */
  void checked() {
    held.checked();
    HeldInbound.Message next;
    while ((next = held.next()) != null) {
      if (!outbox.isAborted()) {
        dispatcher.handle(this, next.text(), next.utf8Length());
      }
    }
  }

  /** A failure met while handling this connection's messages off its own thread. */
  void failed(Throwable e) {
    held.clear();
    fail(e);
  }

  @Override
  public void onBinary(ByteBuffer data) {
    if (outbox.isAborted()) {
      return;
    }
    try {
      if (!admit()) {
        return;
      }
      int bytes = data.remaining();
      String text;
      try {
        text = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(data.duplicate())
            .toString();
      } catch (CharacterCodingException e) {
        meters.received(Meters.In.INVALID, bytes);
        meters.error(Errors.INVALID_JSON);
        deliver(Codec.error(Errors.INVALID_JSON));
        return;
      }
      handle(text, bytes);
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /** Applies the message rate limit: the message itself dropped, at most one error a second. */
  private boolean admit() {
    InboundGate.Verdict verdict = gate.admit();
    if (verdict == InboundGate.Verdict.PASS) {
      return true;
    }
    meters.received(Meters.In.DROPPED, 0);
    rateLimited(verdict);
    return false;
  }

  /**
   * Charges the bytes a message of this connection makes the server send; false (the message
   * is dropped, the sender told at most once a second) when it is over its fan-out limit.
   */
  boolean chargeFanout(long bytes) {
    return passes(gate.chargeFanout(bytes));
  }

  /** Takes a register through the per-connection register limit; false when it is dropped. */
  boolean admitRegister() {
    return passes(gate.admitRegister());
  }

  /** A message of this connection dropped by a limit outside its own (per address, a full queue). */
  void refused() {
    rateLimited(gate.refuse());
  }

  private boolean passes(InboundGate.Verdict verdict) {
    if (verdict == InboundGate.Verdict.PASS) {
      return true;
    }
    rateLimited(verdict);
    return false;
  }

  private void rateLimited(InboundGate.Verdict verdict) {
    if (verdict == InboundGate.Verdict.DROP_AND_TELL) {
      meters.error(Errors.RATE_LIMITED);
      deliver(Codec.error(Errors.RATE_LIMITED));
      listener.rateLimited(info);
    }
  }

  /**
   * A bug met this connection's message: log it once, drop this connection only (an {@link
   * Error} too: one that reaches a transport's own thread makes the transport fail the hub).
   */
  private void fail(Throwable e) {
    if (outbox.discardAll()) {
      log.error("Connection {}: unexpected failure while handling a message; closing it with 1011",
          connection.id(), e);
      connection.abort(1011, "internal error");
    } else {
      log.debug("Connection {}: further failure while closing", connection.id(), e);
    }
  }

  private void wake() {
    try {
      outbox.wake();
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  @Override
  public void onWritable() {
    outbox.onWritable();
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    outbox.discardAll();
    held.clear();
    dispatcher.closed(this, code, reason, remote);
  }

  /** Closes after what is queued, with this code and reason (the server's own decision). */
  void close(int code, String reason) {
    outbox.enqueueClose(code, reason);
    outbox.flush();
  }

  /** Closes after what is queued with {@link #DISCONNECTED}: the application's decision. */
  void disconnect(String reason) {
    close(DISCONNECTED, reason);
  }

  /** Sends or queues a message now (not under the state lock); a slow consumer is closed. */
  void deliver(Outgoing message) {
    if (outbox.deliver(message)) {
      slowConsumer();
    }
  }

  /** See {@link Outbox#enqueue}. */
  boolean enqueue(Outgoing message) {
    return outbox.enqueue(message);
  }

  /** See {@link Outbox#enqueueSnapshot}. */
  void enqueueSnapshot(Membership membership, boolean answer) {
    outbox.enqueueSnapshot(membership, answer);
  }

  /** See {@link Outbox#enqueueChange}. */
  boolean enqueueChange(Outgoing presence, Membership membership, boolean answer) {
    return outbox.enqueueChange(presence, membership, answer);
  }

  /** See {@link Outbox#enqueueClose}. */
  void enqueueClose(int code, String reason) {
    outbox.enqueueClose(code, reason);
  }

  /** See {@link Outbox#shutdown}. */
  void shutdown(int code, String reason) {
    outbox.shutdown(code, reason);
  }

  /** See {@link Outbox#isClosing}. */
  boolean isClosing() {
    return outbox.isClosing();
  }

  /** See {@link Outbox#heldAlone}. */
  long heldAlone() {
    return outbox.heldAlone();
  }

  /** See {@link Outbox#queuedBytes}. */
  long queuedBytes() {
    return outbox.queuedBytes();
  }

  /** See {@link Outbox#flush}. */
  void flush() {
    outbox.flush();
  }

  /** See {@link Outbox#flushIfIdle}. */
  void flushIfIdle() {
    outbox.flushIfIdle();
  }

  /** Closes at once as a slow consumer: what is queued would never be read in time. */
  void slowConsumer() {
    if (outbox.discardAll()) {
      log.debug("Connection {}: slow consumer, closing", connection.id());
      listener.slowConsumer(info);
      connection.abort(1008, "slow consumer");
    }
  }

  @Override
  public String toString() {
    return "Session[" + connection.id() + ", nodeId=" + nodeId + ']';
  }
}
