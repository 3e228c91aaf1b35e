package dev.signaling.transport.javawebsocket;

import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.ReadyState;
import org.java_websocket.enums.Role;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One accepted TCP connection, in Java-WebSocket's terms. It starts as an HTTP request: the head
 * is buffered until complete, then either handed to the library as a WebSocket upgrade, or
 * answered here as plain HTTP ({@code /health}, {@code 404}) and closed. It also keeps the count
 * of bytes queued but not yet written, and reports the close exactly once.
 *
 * <p>Threads: {@link #decode} runs on the connection's decoder thread only; {@link #written} on
 * the selector thread; {@link #closeConnection} on any thread.
 */
final class SignalingSocket extends WebSocketImpl {

  private static final Logger log = LoggerFactory.getLogger(SignalingSocket.class);

  /**
   * Returned by {@link #getDraft()} while no draft is negotiated (plain HTTP, refused upgrades):
   * the selector closes a socket after its last write only when {@code getDraft()} has the server
   * role, so without it those sockets would stay open (Java-WebSocket #1471). Only its role is
   * ever read.
   */
  private static final Draft SERVER_ROLE = serverRole();

  private enum State { READING_HEAD, UPGRADED, ANSWERED }

  private static final int NO_SLOT = 0;
  private static final int HOLDS_SLOT = 1;
  private static final int CLOSED = 2;

  final String id;
  final WebSocketConnection connection;
  private final WebSocketEndpoint endpoint;
  private final AtomicLong queued;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean failed = new AtomicBoolean();

  // Decoder thread only.
  private State state = State.READING_HEAD;
  private byte[] head = new byte[1024];
  private int headLength;

  /**
   * Whether this socket holds one of the endpoint's connection slots. Atomic because the upgrade
   * (decoder thread) may take a slot while a handshake timeout closes the socket.
   */
  private final AtomicInteger slot = new AtomicInteger(NO_SLOT);
  private volatile Future<?> handshakeTimeout;
  /** The close handshake's first close (ours or the peer's), once one began. */
  private final AtomicReference<Close> firstClose = new AtomicReference<>();

  private record Close(int code, String reason, boolean remote) {}

  static SignalingSocket create(WebSocketEndpoint endpoint, String id) {
    AtomicLong queued = new AtomicLong();
    return new SignalingSocket(endpoint, id, queued, endpoint.drafts());
  }

  private SignalingSocket(WebSocketEndpoint endpoint, String id, AtomicLong queued, List<Draft> drafts) {
    super(endpoint, drafts);
    this.endpoint = endpoint;
    this.id = id;
    this.queued = queued;
    this.connection = new WebSocketConnection(this, endpoint);
  }

  private static Draft serverRole() {
    Draft draft = new Draft_6455();
    draft.setParseMode(Role.SERVER);
    return draft;
  }

  // ------------------------------------------------------------------ reading

  @Override
  public void decode(ByteBuffer socketBuffer) {
    // The adapter boundary for everything read from this socket: nothing that one connection
    // sends may kill the decoder thread it shares with others.
    try {
      switch (state) {
        case UPGRADED -> super.decode(socketBuffer);
        case READING_HEAD -> readHead(socketBuffer);
        case ANSWERED -> socketBuffer.position(socketBuffer.limit());
      }
    } catch (Throwable t) {
      endpoint.failed(this, t);
    }
  }

  private void readHead(ByteBuffer socketBuffer) {
    // Copy: the library reuses its read buffers as soon as decode returns.
    int from = headLength - 3;
    int incoming = socketBuffer.remaining();
    if (headLength + incoming > head.length) {
      head = Arrays.copyOf(head, Math.max(head.length * 2, headLength + incoming));
    }
    socketBuffer.get(head, headLength, incoming);
    headLength += incoming;

    int end = PlainHttp.endOfHead(head, from, headLength);
    if (end < 0 && headLength <= PlainHttp.MAX_HEAD_BYTES) {
      return; // wait for the rest of the head
    }
    if (end < 0 || end > PlainHttp.MAX_HEAD_BYTES) {
      answer(PlainHttp.headTooLarge());
      return;
    }
    PlainHttp.Request request = PlainHttp.parse(head, end);
    if (request == null) {
      answer(PlainHttp.badRequest());
    } else if (!request.upgrade()) {
      answer(PlainHttp.answer(request, endpoint.isShuttingDown()));
    } else if (!endpoint.allowedOrigins().allows(request.origins())) {
      log.debug("Connection {}: upgrade refused with 403, origin not allowed", id);
      answer(PlainHttp.forbiddenOrigin());
    } else if (!endpoint.admit()) {
      log.debug("Connection {}: upgrade refused with 503 ({})", id,
          endpoint.isShuttingDown() ? "shutting down" : "connection limit reached");
      answer(PlainHttp.unavailable(endpoint.isShuttingDown()));
    } else if (!slot.compareAndSet(NO_SLOT, HOLDS_SLOT)) {
      endpoint.releaseSlot(); // closed meanwhile (handshake timeout): nothing to upgrade
    } else {
      state = State.UPGRADED;
      ByteBuffer received = ByteBuffer.wrap(head, 0, headLength);
      head = null;
      // The whole head, and any frames that came with it; the draft copied for it counts into queued.
      SignalingDraft.bindingUpgrades(queued, () -> super.decode(received));
    }
  }

  /** Queues a plain HTTP response; the selector closes the socket once it is written. */
  private void answer(byte[] response) {
    state = State.ANSWERED;
    head = null;
    // The handshake timeout stays armed: it also closes a client that never reads the answer.
    queued.addAndGet(response.length);
    outQueue.add(ByteBuffer.wrap(response));
    flushAndClose(CloseFrame.NORMAL, "plain HTTP request answered", false);
  }

  // ------------------------------------------------------------------ writing

  /** Bytes queued for this socket and not yet written to it. */
  long queuedBytes() {
    return Math.max(0, queued.get());
  }

  /** Called by the selector thread after bytes reached the socket. */
  void written(long bytes) {
    if (queued.addAndGet(-bytes) == 0) {
      connection.writable();
    }
  }

  /**
   * Restores the selector's interest in writing if data waits without it. Java-WebSocket 1.6.0
   * can lose a write demand: when a send lands between the selector's last look at the empty
   * queue and its switch back to read-only interest, the frame waits until the next send. (TLS
   * records waiting in a {@link TlsChannel} count too, though it asks for writability itself.) The
   * endpoint calls this periodically; a spurious call costs one selector wake-up.
   */
  void kickIfStalled() {
    if (outQueue.isEmpty() && !(getChannel() instanceof TlsChannel tls && tls.isNeedWrite())) {
      return;
    }
    SelectionKey key = getSelectionKey();
    try {
      if (key != null && key.isValid() && (key.interestOps() & SelectionKey.OP_WRITE) == 0) {
        getWebSocketListener().onWriteDemand(this);
      }
    } catch (CancelledKeyException e) {
      // Closed meanwhile: nothing to write any more.
    }
  }

  @Override
  public Draft getDraft() {
    Draft draft = super.getDraft();
    return draft != null ? draft : SERVER_ROLE;
  }

  // ------------------------------------------------------------------ closing

  /**
   * Every close handshake starts here, whoever starts it: our close, the library's own (1007,
   * 1009...), or the echo of the peer's close frame ({@code remote == true}).
   */
  @Override
  public void close(int code, String message, boolean remote) {
    firstClose.compareAndSet(null, new Close(code, message == null ? "" : message, remote));
    super.close(code, message, remote);
  }

  /**
   * Every way a connection ends in Java-WebSocket (close handshake done, end of stream, I/O
   * error, lost pong, our own abort) comes through here, so this is where the close is reported,
   * exactly once. The server's {@code onClose} callback is not used: it is skipped for
   * connections that opened while the server was stopping.
   */
  @Override
  public void closeConnection(int code, String message, boolean remote) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      super.closeConnection(code, message, remote);
    } finally {
      // What was never written is released now, not when the last reference to this socket goes
      // (a slow consumer may leave megabytes here). The channel is closed: nothing more is written.
      outQueue.clear();
      queued.set(0);
      cancelHandshakeTimeout();
      if (slot.getAndSet(CLOSED) == HOLDS_SLOT) {
        endpoint.releaseSlot(); // before the hub learns of the close, so a new client fits then
      }
      endpoint.forget(this);
      Close handshake = firstClose.get();
      if (code == CloseFrame.ABNORMAL_CLOSE && handshake != null) {
        // The TCP connection ended after a close frame went out but before the library marked the
        // close as under way (it sends the frame first): a race in 1.6.0 that turns a clean
        // close into 1006. Report the close handshake that actually took place.
        connection.closed(handshake.code(), handshake.reason(), handshake.remote());
      } else {
        connection.closed(code, message == null ? "" : message, remote);
      }
    }
  }

  /** Closes the TCP connection if the upgrade or the HTTP request has not completed in time. */
  void handshakeTimedOut() {
    if (getReadyState() == ReadyState.NOT_YET_CONNECTED) {
      closeConnection(CloseFrame.NEVER_CONNECTED, "handshake timeout", false);
    }
  }

  void setHandshakeTimeout(Future<?> timeout) {
    this.handshakeTimeout = timeout;
  }

  void cancelHandshakeTimeout() {
    Future<?> timeout = handshakeTimeout;
    if (timeout != null) {
      timeout.cancel(false);
      handshakeTimeout = null; // not kept for the connection's lifetime
    }
  }

  /** Whether this is the first failure of this socket (so that it is logged once). */
  boolean firstFailure() {
    return failed.compareAndSet(false, true);
  }

  @Override
  public String toString() {
    return "SignalingSocket[" + id + ", " + getReadyState() + ']';
  }
}
