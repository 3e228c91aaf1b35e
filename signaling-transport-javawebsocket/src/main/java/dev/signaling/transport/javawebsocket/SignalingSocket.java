package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.InboundBudget;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * is buffered until complete (a bare line break is refused at once), then either handed to the
 * library as a WebSocket upgrade once {@link UpgradeCheck} finds it complete and the connection
 * caps let it in, or answered here ({@code /health}, {@code 404}, the refusals) and closed: the
 * library never answers a request itself. An upgraded socket holds a {@link ConnectionSlots.Slot}
 * and an {@link InboundBudget.Account} until it is closed. It also keeps the count of bytes
 * queued but not yet written, its liveness ({@link PingCheck}), and reports the close exactly once.
 *
 * <p>Threads: {@link #decode} runs on the connection's decoder thread only; {@link #written} on
 * the selector thread; {@link #checkLiveness} on the timer; {@link #closeConnection} on any thread.
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

  /** What {@link #slot} holds once the socket is closed: a slot taken later is given back at once. */
  private static final Object CLOSED = new Object();

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
   * The connection slot this socket holds ({@link ConnectionSlots.Slot}), null before, {@link
   * #CLOSED} after. Atomic because the upgrade (decoder thread) may take a slot while a handshake
   * timeout closes the socket.
   */
  private final AtomicReference<Object> slot = new AtomicReference<>();
  /** Its share of the inbound budget, from the upgrade on. */
  private volatile InboundBudget.Account account;
  final PingCheck liveness = new PingCheck();
  /** Whether the last liveness sweep found this socket closing already; the timer only. */
  private boolean closingAtLastSweep;
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
    int from = headLength;
    int incoming = socketBuffer.remaining();
    if (headLength + incoming > head.length) {
      head = Arrays.copyOf(head, Math.max(head.length * 2, headLength + incoming));
    }
    socketBuffer.get(head, headLength, incoming);
    headLength += incoming;

    int end = PlainHttp.endOfHead(head, from - 3, headLength);
    // Only the head is HTTP: frames may follow it in the same read. A bare line break is refused
    // now rather than left waiting for a CRLF CRLF that may never come.
    if (RequestHead.firstBareLineBreak(head, from - 1, end < 0 ? headLength : end) >= 0) {
      answer(PlainHttp.badRequest());
      return;
    }
    if (end < 0 && headLength <= PlainHttp.MAX_HEAD_BYTES) {
      return; // wait for the rest of the head
    }
    if (end < 0 || end > PlainHttp.MAX_HEAD_BYTES) {
      answer(PlainHttp.headTooLarge());
      return;
    }
    RequestHead request = RequestHead.parse(head, end);
    if (request == null) {
      answer(PlainHttp.badRequest());
    } else if (!request.isUpgrade()) {
      answer(PlainHttp.answer(request, endpoint.isShuttingDown()));
    } else {
      switch (UpgradeCheck.check(request)) {
        case INVALID -> answer(PlainHttp.invalidUpgrade());
        case WRONG_VERSION -> answer(PlainHttp.wrongVersion());
        case UPGRADE -> upgrade(request);
      }
    }
  }

  /** A complete upgrade: the origin allowlist, then the connection caps, then the library. */
  private void upgrade(RequestHead request) {
    if (!endpoint.allowedOrigins().allows(request.values("origin"))) {
      log.debug("Connection {}: upgrade refused with 403, origin not allowed", id);
      answer(PlainHttp.forbiddenOrigin());
      return;
    }
    InetSocketAddress remote = remoteAddress();
    ConnectionSlots.Admission admission = endpoint.slots().tryAcquire(remote == null ? null : remote.getAddress());
    if (admission instanceof ConnectionSlots.Refusal refusal) {
      log.debug("Connection {}: upgrade refused with {} ({})", id, refusal.status(), refusal.body());
      answer(PlainHttp.refusal(refusal));
      return;
    }
    InboundBudget.Account opened = endpoint.budget().open(this::shed);
    account = opened; // before the slot: a close that sees the slot sees the account too
    if (!slot.compareAndSet(null, admission)) {
      ((ConnectionSlots.Slot) admission).close(); // closed meanwhile (handshake timeout)
      opened.close();
      return;
    }
    state = State.UPGRADED;
    ByteBuffer received = ByteBuffer.wrap(head, 0, headLength);
    head = null;
    // The whole head, and any frames that came with it; the draft copied for it is bound to this socket.
    SignalingDraft.bindingUpgrades(new SignalingDraft.Binding(queued, opened), () -> super.decode(received));
  }

  /**
   * The inbound budget sheds this connection (it holds the most of a full budget): closed with
   * {@code 1009}. May run on another connection's decoder thread: the close runs on the timer.
   */
  private void shed() {
    log.debug("Connection {}: shed to keep the inbound budget", id);
    endpoint.schedule(() -> connection.abort(CloseFrame.TOOBIG, FrameReader.OVER_BUDGET), 0);
  }

  /** The peer's address, or null once the socket is closed. */
  InetSocketAddress remoteAddress() {
    try {
      return getRemoteSocketAddress();
    } catch (RuntimeException e) {
      return null;
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

  /** A pong arrived (decoder thread). */
  void pong(ByteBuffer payload) {
    liveness.pong(payload);
  }

  /**
   * The liveness sweep's visit (timer thread): an open socket is pinged, or dropped if its last
   * ping is unanswered; a socket closing since the last sweep is dropped.
   */
  void checkLiveness(long token) {
    ReadyState state = getReadyState();
    if (state == ReadyState.OPEN) {
      byte[] ping = liveness.nextPing(token);
      if (ping == null) {
        log.debug("Connection {}: no pong to the last ping; dropping it", id);
        closeConnection(CloseFrame.ABNORMAL_CLOSE, "no pong", false);
      } else {
        connection.ping(ping);
      }
    } else if (state == ReadyState.CLOSING) {
      if (closingAtLastSweep) {
        closeConnection(CloseFrame.ABNORMAL_CLOSE, "close handshake not completed", false);
      }
      closingAtLastSweep = true;
    }
  }

  /**
   * Closes when the selector no longer writes (it died): the close frame goes straight to the
   * socket if nothing is queued before it (so that no frame is cut), then the TCP connection is
   * closed. Best effort: what the socket does not take at once is lost.
   */
  void closeDirectly(int code, String reason) {
    if (isOpen() && queuedBytes() == 0) {
      byte[] text = reason.getBytes(StandardCharsets.UTF_8);
      ByteBuffer frame = ByteBuffer.allocate(4 + text.length);
      frame.put((byte) 0x88).put((byte) (2 + text.length)).putShort((short) code).put(text).flip();
      try {
        getChannel().write(frame);
      } catch (IOException | RuntimeException e) {
        // gone already
      }
    }
    closeConnection(code, reason, false);
  }

  @Override
  public Draft getDraft() {
    Draft draft = super.getDraft();
    return draft != null ? draft : SERVER_ROLE;
  }

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
      if (slot.getAndSet(CLOSED) instanceof ConnectionSlots.Slot held) {
        held.close(); // before the hub learns of the close, so a new client fits then
      }
      InboundBudget.Account a = account;
      if (a != null) {
        a.close(); // what this connection held of partial messages counts no more
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
