package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.spi.OutboundMessage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Future;
import org.java_websocket.exceptions.WebsocketNotConnectedException;
import org.java_websocket.framing.PingFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Connection} over one Java-WebSocket socket, and the bridge that feeds the core's
 * {@link ConnectionHandler} with what the socket receives. Every call into the handler is an
 * adapter boundary: a {@link RuntimeException} is logged and closes this connection only, with
 * {@code 1011}; an {@link Error} fails the server ({@link WebSocketEndpoint#failed}).
 */
final class WebSocketConnection implements Connection {

  private static final Logger log = LoggerFactory.getLogger(WebSocketConnection.class);

  /** How long an abort waits for its close frame before it drops the TCP connection. */
  private static final long ABORT_GRACE_MILLIS = 1000;

  /**
   * The largest backlog an abort still sends its close frame behind: a socket takes this much at
   * once, so the frame does not wait. It also covers the upgrade answer, which counts as queued
   * until the selector reports it written, possibly after the hub has seen the connection open.
   */
  private static final long ABORT_SMALL_BACKLOG_BYTES = 16 * 1024;

  private final SignalingSocket socket;
  private final WebSocketEndpoint endpoint;
  /** Whether the close was reported to the handler; set once, through {@link #CLOSE_REPORTED}. */
  private volatile boolean closeReported;

  private volatile HandshakeRequest handshake = HandshakeRequest.none();
  private volatile ConnectionHandler handler;
  /** The drop that ends an abort's grace period, while pending. */
  private volatile Future<?> abortTimer;
  /** Set once by the socket when the TCP connection is closed. */
  private volatile Closed closedWith;

  /** No more sends: close or abort was called. Guarded by this, so no frame follows our close frame. */
  private boolean closing;

  private record Closed(int code, String reason, boolean remote) {}

  // A VarHandle rather than an AtomicBoolean: one object less per connection.
  private static final VarHandle CLOSE_REPORTED;

  static {
    try {
      CLOSE_REPORTED = MethodHandles.lookup().findVarHandle(WebSocketConnection.class, "closeReported", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  WebSocketConnection(SignalingSocket socket, WebSocketEndpoint endpoint) {
    this.socket = socket;
    this.endpoint = endpoint;
  }

  @Override
  public String id() {
    return socket.id;
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
      try {
        socket.sendFrame(OutboundFrame.of(message));
        return true;
      } catch (WebsocketNotConnectedException e) {
        return false; // closed by the peer or the library meanwhile
      } catch (RuntimeException e) {
        log.debug("Connection {}: send failed", id(), e);
        return false;
      }
    }
  }

  @Override
  public boolean sendAll(List<OutboundMessage> messages) {
    Objects.requireNonNull(messages, "messages");
    if (messages.isEmpty()) {
      return true;
    }
    synchronized (this) {
      if (closing) {
        return false;
      }
      try {
        socket.sendFrame(OutboundFrame.of(messages));
        return true;
      } catch (WebsocketNotConnectedException e) {
        return false;
      } catch (RuntimeException e) {
        log.debug("Connection {}: send failed", id(), e);
        return false;
      }
    }
  }

  @Override
  public long queuedBytes() {
    return socket.queuedBytes();
  }

  @Override
  public void close(int code, String reason) {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
    }
    try {
      // Queues the close frame behind what is already queued; the socket closes once it is written.
      socket.close(code, reason);
    } catch (RuntimeException e) {
      log.debug("Connection {}: close failed, dropping it", id(), e);
      socket.closeConnection(code, reason);
    }
  }

  @Override
  public void abort(int code, String reason) {
    synchronized (this) {
      closing = true;
    }
    if (socket.queuedBytes() <= ABORT_SMALL_BACKLOG_BYTES && socket.isOpen()) {
      // Little or nothing queued, so the close frame goes out at once; the timer bounds the wait
      // in case the peer's receive window is full.
      socket.close(code, reason);
      // Cancelled when the connection closes sooner, so that the task does not keep the socket
      // (and whatever it holds) for the whole grace period.
      abortTimer = endpoint.schedule(() -> socket.closeConnection(code, reason), ABORT_GRACE_MILLIS);
    } else {
      // The close frame would wait behind the backlog: drop the TCP connection. This runs on
      // another thread so that the handler's onClose never re-enters the caller.
      endpoint.schedule(() -> socket.closeConnection(code, reason), 0);
    }
  }

  /** Sends a ping with this payload, unless the connection is closing (timer thread). */
  void ping(byte[] payload) {
    synchronized (this) {
      if (closing) {
        return;
      }
      try {
        PingFrame ping = new PingFrame();
        ping.setPayload(ByteBuffer.wrap(payload));
        socket.sendFrame(ping);
      } catch (WebsocketNotConnectedException e) {
        // closed meanwhile: nothing to check any more
      }
    }
  }

  @Override
  public String toString() {
    return "WebSocketConnection[" + socket.id + ']';
  }

  /** The upgrade completed: records what it said, before the hub sees this connection. */
  void opened(HandshakeRequest request) {
    this.handshake = request;
  }

  /** Attaches the handler the hub returned for this connection. */
  void attach(ConnectionHandler handler) {
    this.handler = handler;
    if (closedWith != null) {
      reportClose(); // the socket closed while the hub was attaching it
    }
  }

  /** Called once when the TCP connection is closed, whatever closed it. */
  void closed(int code, String reason, boolean remote) {
    closedWith = new Closed(code, reason, remote);
    Future<?> timer = abortTimer;
    if (timer != null) {
      timer.cancel(false);
    }
    if (handler != null) {
      reportClose();
    }
  }

  private void reportClose() {
    // Both attach() and closed() may get here; volatile writes then reads guarantee that at
    // least one does, and the flag that only one reports.
    if (!CLOSE_REPORTED.compareAndSet(this, false, true)) {
      return;
    }
    Closed closed = closedWith;
    // The code only: a reason may be the client's text.
    log.debug("Connection {}: closed with {} by the {}", id(), closed.code(), closed.remote() ? "client" : "server");
    try {
      handler.onClose(closed.code(), closed.reason(), closed.remote());
    } catch (Throwable t) {
      log.error("Connection {}: the handler failed on close", id(), t);
    }
  }

  void text(String text) {
    ConnectionHandler h = handler;
    if (h == null) {
      return;
    }
    try {
      h.onText(text);
    } catch (Throwable t) {
      endpoint.failed(socket, t);
    }
  }

  void binary(ByteBuffer data) {
    ConnectionHandler h = handler;
    if (h == null) {
      return;
    }
    try {
      h.onBinary(data);
    } catch (Throwable t) {
      endpoint.failed(socket, t);
    }
  }

  /** Everything queued was written (selector thread). */
  void writable() {
    ConnectionHandler h = handler;
    if (h == null || closedWith != null) {
      return;
    }
    try {
      h.onWritable();
    } catch (Throwable t) {
      endpoint.failed(socket, t);
    }
  }
}
