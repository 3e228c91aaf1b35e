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
 * nodeId it holds, and the order of its state events; its rate limit is an {@link InboundGate},
 * its outgoing queue an {@link Outbox}.
 */
final class Session implements ConnectionHandler {

  private static final Logger log = LoggerFactory.getLogger(Session.class);

  private final Dispatcher dispatcher;
  private final Connection connection;
  private final ConnectionInfo info;
  private final Meters meters;
  private final SignalingListener listener;
  private final long number;
  private final InboundGate gate;
  private final Outbox outbox;

  /** The nodeId this connection currently holds; written under the replica's state lock. */
  private volatile String nodeId;

  /** Orders this connection's events: its leave enters the global order after its other events. */
  private final Object eventLock = new Object();
  /** Guarded by eventLock: its leave was submitted, nothing more is. */
  private boolean eventsEnded;
  /** Guarded by eventLock: a register was submitted at some point, so its close matters. */
  private boolean submittedRegister;

  Session(Dispatcher dispatcher, Connection connection, SignalingConfig config, Meters meters,
      SignalingListener listener, Scheduler scheduler, long number) {
    this.dispatcher = dispatcher;
    this.connection = connection;
    this.info = new ConnectionInfo(connection.id(), connection.handshake());
    this.meters = meters;
    this.listener = listener;
    this.number = number;
    this.gate = new InboundGate(config);
    MembershipPacer pacer = new MembershipPacer(config.membershipInterval().toNanos(), scheduler, this::wake);
    this.outbox = new Outbox(connection, meters, config.maxQueuedBytes(), pacer);
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
        dispatcher.handle(this, text, -1);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    }
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
      dispatcher.handle(this, text, bytes);
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /** Applies the rate limit: the message itself dropped, at most one error a second. */
  private boolean admit() {
    InboundGate.Verdict verdict = gate.admit();
    if (verdict == InboundGate.Verdict.PASS) {
      return true;
    }
    meters.received(Meters.In.DROPPED, 0);
    if (verdict == InboundGate.Verdict.DROP_AND_TELL) {
      meters.error(Errors.RATE_LIMITED);
      deliver(Codec.error(Errors.RATE_LIMITED));
      listener.rateLimited(info);
    }
    return false;
  }

  /** A bug met this connection's message: log it once, drop this connection only. */
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
    dispatcher.closed(this, code, reason, remote);
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
