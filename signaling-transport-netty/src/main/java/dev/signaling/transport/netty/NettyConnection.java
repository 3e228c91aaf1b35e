package dev.signaling.transport.netty;

import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.InboundBudget;
import dev.signaling.core.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Connection} over one upgraded Netty channel: the outbound side (sends, the exact count
 * of queued bytes, close and abort) and the one report of the close to the core's handler.
 *
 * <p><b>Sending.</b> A send, from any thread, appends its frame to what this connection has not
 * handed to its channel yet ({@code head} and {@code tail}, under this connection's monitor) and
 * makes sure one flush task is scheduled on the event loop; that task hands all of it to the
 * channel as one write and flushes it. Small frames are copied one behind the other into one
 * buffer, large ones ({@link SharedFrames}) join as shared references. So a connection that a
 * pass of the loops sends many messages costs one buffer, one write, one promise and one system
 * call for all of them, not a task, a promise and an outbound-buffer entry each: what a fan-out of
 * heartbeats to every node is made of. Order is the order of the sends under the monitor.
 *
 * <p><b>Queued bytes.</b> Every send adds its frame bytes to {@link #queuedBytes()} at once, and the
 * write's promise subtracts them once the socket took them all (or the write failed because the
 * channel closed): so the count is exact, whichever thread sends. When it returns to zero, and
 * whenever the channel turns writable again (its write buffer fell under the low water mark), the
 * core's {@link ConnectionHandler#onWritable()} is called, which hands over what waits in the
 * core's own outbox.
 *
 * <p><b>Closing.</b> Every state change of the close handshake runs on the channel's event loop;
 * the first close (ours, the peer's, or a protocol violation's) is the one reported.
 */
final class NettyConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(NettyConnection.class);

  /** How long a close frame may take to be answered, or an abort's close frame to be written. */
  static final long CLOSE_GRACE_MILLIS = 1000;

  private static final AtomicLongFieldUpdater<NettyConnection> QUEUED =
      AtomicLongFieldUpdater.newUpdater(NettyConnection.class, "queued");
  /** The least a buffer of small frames starts with: a few heartbeats or signals fit. */
  private static final int MIN_TAIL = 256;

  private final Channel channel;
  private final String id;
  private final HandshakeRequest handshake;
  private final SharedFrames frames;
  private final ServerState server;

  private volatile ConnectionHandler handler;
  private volatile long queued;

  // Guarded by this.
  /** No more sends: close or abort was called, so no frame follows our close frame. */
  private boolean closing;
  /** Frames sent and not handed to the channel yet, but those in {@link #tail}; or null. */
  private ByteBuf head;
  /** Small frames sent after {@link #head}, copied one behind the other; or null. */
  private ByteBuf tail;
  /** A {@link #flushNow} task is scheduled and has not taken the frames yet. */
  private boolean flushScheduled;

  // Event loop only.
  private int closeCode;
  private String closeReason;
  private boolean closeRemote;
  private boolean closeFrameSent;
  private boolean reported;
  private boolean failed;

  NettyConnection(Channel channel, String id, HandshakeRequest handshake, ServerState server) {
    this.channel = channel;
    this.id = id;
    this.handshake = handshake;
    this.frames = server.frames;
    this.server = server;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public HandshakeRequest handshake() {
    return handshake;
  }

  @Override
  public boolean send(OutboundMessage message) {
    Objects.requireNonNull(message, "message");
    synchronized (this) {
      if (closing) {
        return false;
      }
      if (!added(message)) {
        return false;
      }
      flushSoon();
      return true;
    }
  }

  @Override
  public boolean sendAll(List<OutboundMessage> messages) {
    Objects.requireNonNull(messages, "messages");
    synchronized (this) {
      if (closing) {
        return false;
      }
      for (OutboundMessage message : messages) {
        if (!added(message)) {
          return false;
        }
      }
      if (!messages.isEmpty()) {
        flushSoon();
      }
      return true;
    }
  }

  /**
   * {@link #add}, or, when its buffer cannot be allocated (the direct memory is exhausted: Netty
   * keeps frames off the heap, within {@code -XX:MaxDirectMemorySize}), the server closes itself
   * as for any {@link Error} of the transport's own: the caller may be the core on behalf of
   * another connection, which would otherwise take this for its own failure, and every next
   * allocation would stall its loop again (the JDK retries for about a second before it gives up).
   * Seen in a cold join storm of 6,000 nodes on one core with 1 GiB of direct memory.
   */
  private boolean added(OutboundMessage message) {
    if (server.failed()) {
      closing = true;
      return false;
    }
    try {
      add(message);
      return true;
    } catch (OutOfMemoryError e) {
      closing = true;
      server.fatal(e);
      return false;
    }
  }

  /** Appends the frame of {@code message} to what the next flush hands over (under this). */
  private void add(OutboundMessage message) {
    int bytes = SharedFrames.frameSize(message.size());
    QUEUED.addAndGet(this, bytes);
    if (SharedFrames.isShared(message)) {
      head = FrameBuffers.join(channel.alloc(), FrameBuffers.join(channel.alloc(), head, tail),
          frames.shared(channel.alloc(), message));
      tail = null;
    } else {
      if (tail == null) {
        tail = channel.alloc().directBuffer(Math.max(MIN_TAIL, bytes));
      }
      SharedFrames.write(tail, message);
    }
  }

  /**
   * Schedules {@link #flushNow} unless it is (under this): the sends of one pass of the loops (every
   * message their reads relayed to this connection) go out in one write and one system call.
   */
  private void flushSoon() {
    if (flushScheduled) {
      return;
    }
    try {
      channel.eventLoop().execute(this::flushNow);
      flushScheduled = true;
    } catch (RejectedExecutionException e) {
      // The loops are stopped: the channel is closed already. Nobody is told the bytes are gone
      // (that would call the core under this monitor); nothing is sent here any more either.
      closing = true;
      QUEUED.addAndGet(this, -releaseUnhanded());
    }
  }

  /** The flush task: {@link #flush}, unless the loop's {@link FlushBudget} says after its next reads. */
  private void flushNow() {
    flush(false);
  }

  /**
   * Hands what was sent since the last flush to the channel, as one write, and flushes (event
   * loop); {@code force}: even past the loop's budget for this turn (the frames before our close
   * frame go ahead of it, now).
   */
  private void flush(boolean force) {
    ByteBuf out;
    synchronized (this) {
      if (head == null && tail == null) {
        flushScheduled = false;
        return;
      }
      int waiting = (head == null ? 0 : head.readableBytes()) + (tail == null ? 0 : tail.readableBytes());
      if (!force && !FlushBudget.take(channel.eventLoop(), waiting)
          && FlushBudget.later(channel.eventLoop(), this::flushNow)) {
        return; // still scheduled: what is sent meanwhile joins this flush
      }
      flushScheduled = false;
      out = FrameBuffers.join(channel.alloc(), head, tail);
      head = null;
      tail = null;
    }
    int bytes = out.readableBytes(); // exactly the frame bytes counted when they were sent
    if (closeFrameSent) {
      out.release(); // nothing may follow a close frame
      written(bytes);
      return;
    }
    channel.writeAndFlush(out, new CountedWrite(channel, this, bytes));
  }

  /** Releases what was sent and not handed to the channel (the connection is gone), and uncounts it. */
  private void discardUnhanded() {
    int bytes;
    synchronized (this) {
      bytes = releaseUnhanded();
    }
    if (bytes > 0) {
      written(bytes);
    }
  }

  /** Releases what was sent and not handed to the channel (under this); returns its bytes. */
  private int releaseUnhanded() {
    int bytes = FrameBuffers.release(head) + FrameBuffers.release(tail);
    head = null;
    tail = null;
    return bytes;
  }

  @Override
  public long queuedBytes() {
    return Math.max(0, queued);
  }

  /** Whether nothing at all is held for this connection: no bytes of ours, nothing in the channel's buffer. */
  boolean holdsNothing() {
    var buffer = channel.unsafe().outboundBuffer();
    return queued == 0 && (buffer == null || buffer.isEmpty());
  }

  /** The socket took {@code bytes} of ours, or they were dropped with the channel (event loop). */
  void written(long bytes) {
    if (QUEUED.addAndGet(this, -bytes) == 0) {
      writable();
    }
  }

  @Override
  public void close(int code, String reason) {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    // A task, so that it runs after every write this thread handed over before it.
    onLoop(() -> startClose(code, reason));
  }

  @Override
  public void abort(int code, String reason) {
    synchronized (this) {
      closing = true;
    }
    onLoop(() -> {
      record(code, reason, false);
      if (queued == 0 && !closeFrameSent && channel.isActive()) {
        // Nothing queued, so the close frame goes out at once; the timer bounds the wait in case
        // the peer's receive window is full.
        closeFrameSent = true;
        channel.writeAndFlush(ControlFrameBytes.close(channel.alloc(), code, reason)).addListener(ChannelFutureListener.CLOSE);
        closeLater();
      } else {
        channel.close(); // what is queued would delay the close: drop the TCP connection
      }
    });
  }

  /** Our close: the close frame behind what is queued, then TCP once the peer answers it. */
  private void startClose(int code, String reason) {
    record(code, reason, false);
    flush(true); // what was sent before the close, ahead of its frame
    if (!closeFrameSent && channel.isActive()) {
      closeFrameSent = true;
      channel.writeAndFlush(ControlFrameBytes.close(channel.alloc(), code, reason));
      closeLater();
    }
  }

  /** The peer's close frame arrived (event loop): answer it if we have not closed, then hang up. */
  void peerClosed(int code, String reason) {
    synchronized (this) {
      closing = true;
    }
    record(code == -1 ? 1005 : code, reason, true);
    if (closeFrameSent) {
      channel.close();
    } else {
      closeFrameSent = true;
      ByteBuf echo = code == -1 ? ControlFrameBytes.close(channel.alloc()) : ControlFrameBytes.close(channel.alloc(), code, "");
      channel.writeAndFlush(echo).addListener(ChannelFutureListener.CLOSE);
      closeLater();
    }
  }

  /**
   * The client broke a limit of the protocol (event loop; {@code 1002}, {@code 1007}, {@code 1009}):
   * a close frame with this code goes out at once, whatever is queued, and TCP follows once it is
   * written or after the grace period. After a close frame of ours, TCP just follows.
   */
  void protocolClose(int code, String reason) {
    synchronized (this) {
      closing = true;
    }
    record(code, reason, false);
    if (!closeFrameSent && channel.isActive()) {
      closeFrameSent = true;
      channel.writeAndFlush(ControlFrameBytes.close(channel.alloc(), code, reason)).addListener(ChannelFutureListener.CLOSE);
    }
    closeLater();
  }

  /**
   * The server-wide budget of partial messages shed this connection, which held the most (any
   * thread): it is closed with {@code 1009}, as if its message were too big.
   */
  void shed() {
    onLoop(() -> protocolClose(1009, InboundBudget.OVER_BUDGET_REASON));
  }

  /** Drops the TCP connection without a close frame (a peer presumed dead: {@code 1006}). */
  void drop(int code, String reason) {
    synchronized (this) {
      closing = true;
    }
    record(code, reason, false);
    channel.close();
  }

  /** Whether a close frame went out, after which no frame may follow (event loop). */
  boolean closeFrameSent() {
    return closeFrameSent;
  }

  private void record(int code, String reason, boolean remote) {
    if (closeReason == null) {
      closeCode = code;
      closeReason = reason == null ? "" : reason;
      closeRemote = remote;
    }
  }

  private void closeLater() {
    channel.eventLoop().schedule(() -> channel.close(), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Runs {@code task} on the channel's event loop, always later (so that a close reported to the
   * core never re-enters the caller). Once the loops are stopped the channel is closed already.
   */
  private void onLoop(Runnable task) {
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("Connection {}: event loop stopped, nothing to close", id);
    }
  }

  /** Attaches the handler the hub returned for this connection. */
  void attach(ConnectionHandler handler) {
    this.handler = handler;
    if (!channel.isActive() && channel.eventLoop().inEventLoop()) {
      closed(); // the channel closed while the hub was attaching it
    }
  }

  ConnectionHandler handler() {
    return handler;
  }

  /** The channel is closed (event loop): reports the close to the core, exactly once. */
  void closed() {
    synchronized (this) {
      closing = true;
    }
    discardUnhanded();
    ConnectionHandler h = handler;
    if (reported || h == null) {
      return;
    }
    reported = true;
    if (closeReason == null) {
      record(1006, "", true); // TCP ended without a close handshake
    }
    log.debug("Connection {}: closed with {} by the {}", id, closeCode, closeRemote ? "client" : "server");
    try {
      h.onClose(closeCode, closeReason, closeRemote);
    } catch (Throwable t) {
      log.error("Connection {}: the handler failed on close", id, t);
    }
  }

  /** The core may send more (event loop). */
  void writable() {
    ConnectionHandler h = handler;
    if (h == null || reported) {
      return;
    }
    try {
      h.onWritable();
    } catch (Throwable t) {
      failed(t);
    }
  }

  /**
   * A bug met this connection (in the core or here): logged once with its id, and this connection
   * only is closed with {@code 1011}.
   */
  void failed(Throwable t) {
    if (failed) {
      log.debug("Connection {}: further failure", id, t);
      return;
    }
    failed = true;
    log.error("Connection {}: unexpected failure; closing it with 1011", id, t);
    abort(1011, "internal error");
  }

  @Override
  public String toString() {
    return "NettyConnection[" + id + ']';
  }
}
