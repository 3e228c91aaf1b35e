package dev.signaling.core.internal;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import dev.signaling.core.spi.OutboundMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's side of one connection: its registration, its rate limit, and its outgoing queue.
 *
 * <p>The outbox exists so that the core, not the transport, decides what waits: messages are
 * handed to the transport only while its unsent bytes stay under {@link #SEND_WINDOW}; the rest
 * waits here, where a newer {@code participants} snapshot can replace an older one that is still
 * unsent, and where the slow-consumer limit is enforced. Enqueue order is delivery order.
 *
 * <p>Membership changes ({@code presence} and {@code participants}) go out at most once per slot
 * of {@link SignalingConfig#membershipInterval()}: after a batch, further ones wait here for
 * the next slot, with everything behind them, and then go in one batch with one list in it (a
 * waiting list is replaced by a newer one). Slots are the same for every session, so the
 * sessions that waited are flushed together by the relay's timer and share the newest list's
 * bytes. Real time, not the configured ticker, because the timer runs in real time.
 *
 * <p>Lock order: the relay's state lock may be held when this session's monitor is taken, never
 * the reverse; the relay's own monitor (its timer) is taken last, under either; and no transport call that may report a close ({@code close}, {@code abort}) is
 * made while the monitor is held.
 */
final class Session implements ConnectionHandler {

  private static final Logger log = LoggerFactory.getLogger(Session.class);

  /**
   * An outbox that held more items than this is replaced once empty: an array deque never
   * shrinks, and after a join storm every idle connection would keep its storm-sized array.
   */
  private static final int SHRINK_ABOVE = 64;

  /** Unsent bytes the transport may hold before further messages wait in the outbox. */
  static final int SEND_WINDOW = 64 * 1024;

  private static final long RATE_ERROR_INTERVAL_NANOS = 1_000_000_000L;

  private final Relay relay;
  final Connection connection;
  final ConnectionInfo info;
  private final Meters meters;
  private final long maxQueuedBytes;
  private final long membershipIntervalNanos;

  /** The nodeId this connection currently owns; written under the relay's state lock. */
  volatile String nodeId;

  /** This connection's number on this server: its identity in the cluster's events. */
  final long number;
  /** Orders this connection's events: its leave enters the global order after its other events. */
  final Object eventOrder = new Object();
  /** Guarded by eventOrder: its leave was submitted, nothing more is. */
  boolean eventsEnded;
  /** Guarded by eventOrder: a register was submitted at some point, so its close matters. */
  boolean submittedRegister;

  // Inbound side: only the transport's (sequential) delivery thread for this connection.
  private final TokenBucket bucket;
  private long lastRateErrorNanos;
  private boolean rateErrorSent;

  // Outbound side: guarded by this.
  private ArrayDeque<Object> outbox = new ArrayDeque<>();
  /** The outbox held more than {@link #SHRINK_ABOVE} items since it was last empty. */
  private boolean outboxGrown;
  private long outboxBytes;
  private PendingSnapshot pendingSnapshot;
  /** The interval slot in which membership changes were last handed to the transport, if ever. */
  private long membershipSlot;
  private boolean membershipSent;
  /** A flush is scheduled for when the waiting membership changes may go. */
  private boolean wakeScheduled;
  /** No more messages are accepted: a close was queued or the connection closed. */
  private boolean closing;
  /**
   * The connection was aborted (slow consumer, internal failure): nothing more is sent, and what
   * it still sends is ignored. Written under this; read without it on the inbound path.
   */
  private volatile boolean aborted;
  private volatile boolean backlog;

  Session(Relay relay, Connection connection, SignalingConfig config, Meters meters, long number) {
    this.relay = relay;
    this.number = number;
    this.connection = connection;
    this.info = new ConnectionInfo(connection.id(), connection.handshake());
    this.meters = meters;
    this.maxQueuedBytes = config.maxQueuedBytes();
    this.membershipIntervalNanos = config.membershipInterval().toNanos();
    this.bucket = config.rateLimited()
        ? new TokenBucket(config.ticker(), config.rateLimitPerSecond(), config.rateLimitBurst())
        : null;
  }

  // ------------------------------------------------------------------ inbound

  @Override
  public void onText(String text) {
    if (aborted) {
      return; // being dropped: nothing it still sends takes effect
    }
    try {
      if (admit()) {
        relay.handle(this, text, -1);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  @Override
  public void onBinary(ByteBuffer data) {
    if (aborted) {
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
      relay.handle(this, text, bytes);
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /** Applies the rate limit: at most one error a second, the message itself dropped. */
  private boolean admit() {
    if (bucket == null || bucket.tryTake()) {
      return true;
    }
    meters.received(Meters.In.DROPPED, 0);
    long now = relay.config().ticker().nanos();
    if (!rateErrorSent || now - lastRateErrorNanos >= RATE_ERROR_INTERVAL_NANOS) {
      rateErrorSent = true;
      lastRateErrorNanos = now;
      meters.error(Errors.RATE_LIMITED);
      deliver(Codec.error(Errors.RATE_LIMITED));
      relay.events().rateLimited(info);
    }
    return false;
  }

  /** A bug met this connection's message: log it once, drop this connection only. */
  private void fail(Throwable e) {
    if (discardAll()) {
      log.error("Connection {}: unexpected failure while handling a message; closing it with 1011",
          connection.id(), e);
      connection.abort(1011, "internal error");
    } else {
      log.debug("Connection {}: further failure while closing", connection.id(), e);
    }
  }

  @Override
  public void onWritable() {
    if (backlog) {
      flush();
    }
  }

  @Override
  public void onClose(int code, String reason, boolean remote) {
    discardAll();
    relay.closed(this, code, reason, remote);
  }

  // ------------------------------------------------------------------ outbound

  /**
   * Sends a message now if nothing waits before it and the transport has room; otherwise queues
   * it. Closes the connection as a slow consumer if too much is waiting.
   */
  void deliver(Outgoing message) {
    boolean overflow;
    synchronized (this) {
      if (closing) {
        return;
      }
      if (outbox.isEmpty() && connection.queuedBytes() < SEND_WINDOW) {
        send(message);
        return;
      }
      overflow = append(message);
    }
    if (overflow) {
      slowConsumer();
    } else {
      // The transport may have drained between our check and the enqueue.
      onWritable();
    }
  }

  /**
   * Queues without sending (under the state lock, so that enqueue order is the global order);
   * the caller flushes afterwards, outside the lock.
   *
   * @return whether the connection is now over its slow-consumer limit
   */
  synchronized boolean enqueue(Outgoing message) {
    return !closing && append(message);
  }

  private boolean append(Outgoing message) {
    outbox.add(message);
    outboxGrown |= outbox.size() > SHRINK_ABOVE;
    outboxBytes += message.size();
    backlog = true;
    return outboxBytes + connection.queuedBytes() > maxQueuedBytes;
  }

  /**
   * Queues a {@code participants} snapshot, replacing one still unsent: the newer takes its own
   * place in the order, the older is skipped.
   */
  synchronized void enqueueSnapshot(Membership membership) {
    if (closing) {
      return;
    }
    if (pendingSnapshot != null) {
      // Taken out rather than left behind as a tombstone: a client that lags through a join
      // storm would otherwise queue one per join. Searched from the tail, where a storm keeps it.
      outbox.removeLastOccurrence(pendingSnapshot);
      pendingSnapshot.membership = membership;
    } else {
      pendingSnapshot = new PendingSnapshot(membership);
    }
    outbox.add(pendingSnapshot);
    backlog = true;
  }

  /** Queues a graceful close behind what is already queued; nothing is accepted after it. */
  synchronized void enqueueClose(int code, String reason) {
    if (closing) {
      return;
    }
    outbox.add(new CloseRequest(code, reason));
    backlog = true;
    closing = true;
  }

  /**
   * Closes for a server shutdown: hands over what the transport has room for, then the close. What
   * still waits behind a full send window is dropped, so that the transport always learns the
   * close code and reason instead of the connection being cut without them when the server stops.
   */
  void shutdown(int code, String reason) {
    flush();
    boolean stuck;
    synchronized (this) {
      stuck = !outbox.isEmpty();
      if (stuck) {
        outbox.clear();
        outboxBytes = 0;
        pendingSnapshot = null;
        backlog = false;
      }
    }
    if (stuck) {
      connection.close(code, reason);
    }
  }

  /** Whether a close was queued or happened: this connection takes no more messages. */
  synchronized boolean isClosing() {
    return closing;
  }

  /** Unsent bytes for this connection: waiting here plus waiting in the transport. */
  synchronized long queuedBytes() {
    return outboxBytes + connection.queuedBytes();
  }

  /** Hands queued messages to the transport while it has room. Never called under the state lock. */
  void flush() {
    CloseRequest close = null;
    synchronized (this) {
      long room = SEND_WINDOW - connection.queuedBytes();
      List<Outgoing> batch = null;
      boolean membershipBatch = false;
      Object item;
      while ((item = outbox.peek()) != null) {
        if (item instanceof CloseRequest c) {
          outbox.clear();
          close = c;
          break;
        }
        if (room <= 0) {
          break; // resumed by onWritable()
        }
        if (!membershipBatch && isMembership(item)) {
          if (membershipMustWait()) {
            break; // resumed by wake()
          }
          membershipBatch = true; // the rest of this flush goes with it
        }
        outbox.poll();
        Outgoing message;
        if (item instanceof PendingSnapshot snapshot) {
          pendingSnapshot = null;
          message = snapshot.membership.message();
        } else {
          message = (Outgoing) item;
          outboxBytes -= message.size();
        }
        room -= message.size();
        if (batch == null) {
          batch = new ArrayList<>();
        }
        batch.add(message);
      }
      if (batch != null) {
        sendAll(batch); // under the monitor, so that no direct send overtakes them
      }
      backlog = !outbox.isEmpty() && close == null;
      if (outboxGrown && outbox.isEmpty()) {
        outbox = new ArrayDeque<>();
        outboxGrown = false;
      }
    }
    if (close != null) {
      connection.close(close.code, close.reason);
    }
  }

  private static boolean isMembership(Object item) {
    return item instanceof PendingSnapshot
        || item instanceof Outgoing o && o.kind() == Outgoing.Kind.PRESENCE;
  }

  /**
   * Whether the membership changes at the head of the outbox must wait for the next slot. If
   * they may go, this slot is taken; if not, the relay's timer flushes this session when the next
   * one begins. Under the monitor.
   */
  private boolean membershipMustWait() {
    if (membershipIntervalNanos == 0 || closing) {
      return false; // a queued close waits for nothing: what is before it goes now
    }
    long now = System.nanoTime();
    long slot = Math.floorDiv(now, membershipIntervalNanos);
    if (!membershipSent || slot != membershipSlot) {
      membershipSent = true;
      membershipSlot = slot;
      return false;
    }
    if (!wakeScheduled) {
      wakeScheduled = relay.schedule(this::wake, (slot + 1) * membershipIntervalNanos - now);
      if (!wakeScheduled) {
        return false; // the relay is closed and has no timer any more: send them now
      }
    }
    return true;
  }

  private void wake() {
    synchronized (this) {
      wakeScheduled = false;
    }
    try {
      flush();
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /**
   * {@link #flush()} unless the transport is still writing: then its {@link #onWritable()} flushes
   * later, with whatever has queued up meanwhile, in one batch. What a broadcast uses, so that a
   * join storm hands each busy connection one batch per drain, not one call per join.
   */
  void flushIfIdle() {
    if (connection.queuedBytes() == 0) {
      flush();
    }
  }

  private void sendAll(List<Outgoing> batch) {
    if (batch.size() == 1) {
      send(batch.get(0));
      return;
    }
    List<OutboundMessage> messages = new ArrayList<>(batch.size());
    for (Outgoing message : batch) {
      messages.add(message.message());
    }
    if (connection.sendAll(messages)) {
      for (Outgoing message : batch) {
        meters.sent(message);
      }
    }
  }

  private void send(Outgoing message) {
    if (connection.send(message.message())) {
      meters.sent(message);
    }
  }

  /** Closes at once as a slow consumer: what is queued would never be read in time. */
  void slowConsumer() {
    if (discardAll()) {
      log.debug("Connection {}: slow consumer, closing", connection.id());
      relay.events().slowConsumer(info);
      connection.abort(1008, "slow consumer");
    }
  }

  /** Drops the outbox for good; true only for the first caller. */
  private synchronized boolean discardAll() {
    boolean first = !aborted;
    aborted = true;
    closing = true;
    outbox.clear();
    outboxBytes = 0;
    pendingSnapshot = null;
    backlog = false;
    return first;
  }

  @Override
  public String toString() {
    return "Session[" + connection.id() + ", nodeId=" + nodeId + ']';
  }

  /** The queued snapshot; a newer one moves it to the end of the outbox with the newer membership. */
  private static final class PendingSnapshot {
    Membership membership;

    PendingSnapshot(Membership membership) {
      this.membership = membership;
    }
  }

  private record CloseRequest(int code, String reason) {}
}
