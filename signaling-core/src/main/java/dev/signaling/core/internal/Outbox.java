package dev.signaling.core.internal;

import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.OutboundMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One connection's outgoing queue. It exists so that the core, not the transport, decides what
 * waits: messages are handed to the transport only while its unsent bytes stay under {@link
 * #SEND_WINDOW}; the rest waits here, where a newer {@code participants} snapshot can replace an
 * older one that is still unsent, where membership changes wait for their {@link
 * MembershipPacer pacer}, and where the slow-consumer limit is enforced. Enqueue order is delivery
 * order.
 *
 * <p>Lock order: the relay's state lock may be held when this monitor is taken, never the
 * reverse; the scheduler's monitor is taken last; and no transport call that may report a close
 * ({@code close}, {@code abort}) is made while this monitor is held.
 */
final class Outbox {

  /** Unsent bytes the transport may hold before further messages wait here. */
  static final int SEND_WINDOW = 64 * 1024;

  private final Connection connection;
  private final Meters meters;
  private final long maxQueuedBytes;
  private final MembershipPacer pacer;
  private final QueuedBudget budget;

  // Guarded by this.
  /**
   * What waits, or {@code null} when nothing does: made when needed and dropped once empty, so
   * that an idle connection keeps no array (an array deque never shrinks: after a join storm
   * every idle connection would keep its storm-sized one).
   */
  private ArrayDeque<Object> queue;
  private long bytes;
  private PendingSnapshot pendingSnapshot;
  /** Bytes of messages for this connection alone (see {@link QueuedBudget}) waiting here. */
  private long aloneQueued;
  /**
   * Bytes of such messages handed to the transport since its queue was last empty. Written under
   * this; read without it by {@link #onWritable()}, to stay as cheap as it was.
   */
  private volatile long aloneHanded;
  /** No more messages are accepted: a close was queued or the connection closed. */
  private boolean closing;
  /**
   * The connection was aborted (slow consumer, internal failure): nothing more is sent. Written
   * under this; read without it on the inbound path.
   */
  private volatile boolean aborted;
  private volatile boolean backlog;

  Outbox(Connection connection, Meters meters, long maxQueuedBytes, MembershipPacer pacer,
      QueuedBudget budget) {
    this.connection = connection;
    this.meters = meters;
    this.maxQueuedBytes = maxQueuedBytes;
    this.pacer = pacer;
    this.budget = budget;
  }

  /**
   * Sends a message now if nothing waits before it and the transport has room; otherwise queues
   * it.
   *
   * @return whether the connection is now over its slow-consumer limit
   */
  boolean deliver(Outgoing message) {
    boolean large;
    synchronized (this) {
      if (closing) {
        return false;
      }
      if (!waiting() && connection.queuedBytes() < SEND_WINDOW) {
        if (isAlone(message)) {
          budget.add(message.size());
          aloneHanded += message.size();
        }
        send(message);
        return false;
      }
      if (append(message)) {
        return true;
      }
      large = aloneQueued + aloneHanded >= SEND_WINDOW;
    }
    if (large) {
      budget.check();
    }
    // The transport may have drained between our check and the enqueue.
    onWritable();
    return false;
  }

  private boolean waiting() {
    return queue != null && !queue.isEmpty();
  }

  private ArrayDeque<Object> queue() {
    if (queue == null) {
      queue = new ArrayDeque<>();
    }
    return queue;
  }

  /** Messages composed for this connection alone; broadcasts are shared by their recipients. */
  private static boolean isAlone(Outgoing message) {
    return message.kind() == Outgoing.Kind.SIGNAL || message.kind() == Outgoing.Kind.ERROR;
  }

  private void hold(long bytes) {
    aloneQueued += bytes;
    budget.add(bytes);
  }

  /** Bytes this connection holds alone: waiting here, or handed over and not yet written. */
  synchronized long heldAlone() {
    return aloneQueued + aloneHanded;
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
    queue().add(message);
    bytes += message.size();
    if (isAlone(message)) {
      hold(message.size());
    }
    backlog = true;
    return bytes + connection.queuedBytes() > maxQueuedBytes;
  }

  /**
   * Queues a {@code participants} snapshot, replacing one still unsent: the newer takes its own
   * place in the order, the older is skipped.
   *
   * @param answer whether it answers this connection's own register: then it is not paced (it
   *     neither waits for the pacer nor counts as a paced message); a snapshot that replaces an
   *     unsent answer is still one
   */
  synchronized void enqueueSnapshot(Membership membership, boolean answer) {
    if (!closing) {
      queueSnapshot(takeSnapshot(), membership, answer);
    }
  }

  /**
   * {@link #enqueue} of {@code presence} (unless null), then {@link #enqueueSnapshot}: what a join
   * queues for every connection, under one monitor instead of two (a join storm does it for every
   * connection at every join, under the state lock).
   *
   * @return whether the connection is now over its slow-consumer limit
   */
  synchronized boolean enqueueChange(Outgoing presence, Membership membership, boolean answer) {
    if (closing) {
      return false;
    }
    PendingSnapshot snapshot = takeSnapshot();
    boolean over = presence != null && append(presence);
    queueSnapshot(snapshot, membership, answer);
    return over;
  }

  /**
   * Takes the unsent snapshot, if any, out of the queue: it moves to the end with each newer
   * version. Taken out rather than left behind as a tombstone: a client that lags through a join
   * storm would otherwise queue one per join. A storm keeps it last, where it is looked for first.
   */
  private PendingSnapshot takeSnapshot() {
    PendingSnapshot snapshot = pendingSnapshot;
    if (snapshot != null && queue.peekLast() == snapshot) {
      queue.pollLast();
    } else if (snapshot != null) {
      queue.removeLastOccurrence(snapshot);
    }
    return snapshot;
  }

  private void queueSnapshot(PendingSnapshot snapshot, Membership membership, boolean answer) {
    if (snapshot == null) {
      pendingSnapshot = new PendingSnapshot(membership, answer);
    } else {
      snapshot.membership = membership;
      snapshot.answer |= answer;
    }
    queue().add(pendingSnapshot);
    backlog = true;
  }

  /** Queues a graceful close behind what is already queued; nothing is accepted after it. */
  synchronized void enqueueClose(int code, String reason) {
    if (closing) {
      return;
    }
    queue().add(new CloseRequest(code, reason));
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
      stuck = waiting();
      if (stuck) {
        clear();
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

  /** Whether the connection was aborted: what it still sends is ignored. Lock-free. */
  boolean isAborted() {
    return aborted;
  }

  /** Unsent bytes for this connection: waiting here plus waiting in the transport. */
  synchronized long queuedBytes() {
    return bytes + connection.queuedBytes();
  }

  /** The transport's queue emptied: what was handed over is written; hands over what waits. */
  void onWritable() {
    if (aloneHanded > 0) {
      written();
    }
    if (backlog) {
      flush();
    }
  }

  private synchronized void written() {
    // Only what the transport still holds can still be held: a send may have come meanwhile.
    long still = Math.min(aloneHanded, connection.queuedBytes());
    budget.add(still - aloneHanded);
    aloneHanded = still;
  }

  /** Hands queued messages to the transport while it has room. Never called under the state lock. */
  void flush() {
    CloseRequest close = null;
    synchronized (this) {
      long room = SEND_WINDOW - connection.queuedBytes();
      List<Outgoing> batch = null;
      boolean membershipBatch = false;
      Object item;
      while (queue != null && (item = queue.peek()) != null) {
        if (item instanceof CloseRequest c) {
          queue.clear();
          close = c;
          break;
        }
        if (room <= 0) {
          break; // resumed by onWritable()
        }
        if (!membershipBatch && isPaced(item)) {
          if (!closing && pacer.mustWait()) {
            break; // resumed by the pacer's wake; a queued close waits for nothing
          }
          membershipBatch = true; // the rest of this flush goes with it
        }
        queue.poll();
        Outgoing message;
        if (item instanceof PendingSnapshot snapshot) {
          pendingSnapshot = null;
          message = snapshot.membership.message();
        } else {
          message = (Outgoing) item;
          bytes -= message.size();
          if (isAlone(message)) {
            aloneQueued -= message.size();
            aloneHanded += message.size();
          }
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
      backlog = waiting() && close == null;
      if (queue != null && queue.isEmpty()) {
        queue = null;
      }
    }
    if (close != null) {
      connection.close(close.code, close.reason);
    }
  }

  /** A membership change other than the answer to this connection's own register. */
  private static boolean isPaced(Object item) {
    return item instanceof PendingSnapshot snapshot ? !snapshot.answer
        : item instanceof Outgoing o && o.kind() == Outgoing.Kind.PRESENCE;
  }

  /** The pacer's wake: the waiting membership changes may go now. */
  void wake() {
    synchronized (this) {
      pacer.woke();
    }
    flush();
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

  /**
   * Drops the queue for good and accepts nothing more (the connection is closing or closed, so
   * nothing handed over is held any more either); true only for the first caller.
   */
  synchronized boolean discardAll() {
    boolean first = !aborted;
    aborted = true;
    closing = true;
    clear();
    budget.add(-aloneHanded);
    aloneHanded = 0;
    return first;
  }

  private void clear() {
    queue = null;
    bytes = 0;
    pendingSnapshot = null;
    backlog = false;
    budget.add(-aloneQueued);
    aloneQueued = 0;
  }

  /** The queued snapshot; a newer one moves it to the end of the queue with the newer membership. */
  private static final class PendingSnapshot {
    Membership membership;
    boolean answer;

    PendingSnapshot(Membership membership, boolean answer) {
      this.membership = membership;
      this.answer = answer;
    }
  }

  private record CloseRequest(int code, String reason) {}
}
