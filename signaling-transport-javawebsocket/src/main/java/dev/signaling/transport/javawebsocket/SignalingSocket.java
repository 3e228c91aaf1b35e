package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.InboundBudget;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
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
 * until it is closed, and an {@link InboundBudget.Account} from the first time it holds part of
 * a message (it is the draft's {@link InboundAccount}). It also keeps the count of bytes queued
 * but not yet written, its liveness ({@link PingCheck}), and reports the close exactly once.
 *
 * <p>Threads: {@link #decode} runs on the connection's decoder thread only; {@link #written} on
 * the selector thread; {@link #checkLiveness} on the timer; {@link #closeConnection} on any thread.
 */
final class SignalingSocket extends WebSocketImpl implements InboundAccount {

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
  // Plain fields behind VarHandles rather than Atomic* objects: a socket is kept per connection,
  // and idle connections are what a server holds most of (docs/performance.md, capacity).
  private volatile boolean closed;
  private volatile boolean failed;

  // Decoder thread only.
  private State state = State.READING_HEAD;
  private byte[] head = new byte[1024];
  private int headLength;

  /**
   * The connection slot this socket holds ({@link ConnectionSlots.Slot}), null before, {@link
   * #CLOSED} after. Atomic because the upgrade (decoder thread) may take a slot while a handshake
   * timeout closes the socket.
   */
  private volatile Object slot;
  /** Its share of the inbound budget, opened when it first holds a partial message. */
  private volatile InboundBudget.Account account;
  /** The payload token of the ping awaiting its pong; 0 when none does (see {@link PingCheck}). */
  private volatile long awaitedPing;
  /** Whether the last liveness sweep found this socket closing already; the timer only. */
  private boolean closingAtLastSweep;
  private volatile Future<?> handshakeTimeout;
  /** The close handshake's first close (ours or the peer's), once one began. */
  private volatile Close firstClose;

  private static final VarHandle CLOSED_FLAG;
  private static final VarHandle FAILED;
  private static final VarHandle SLOT;
  private static final VarHandle FIRST_CLOSE;
  private static final VarHandle AWAITED_PING;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CLOSED_FLAG = lookup.findVarHandle(SignalingSocket.class, "closed", boolean.class);
      FAILED = lookup.findVarHandle(SignalingSocket.class, "failed", boolean.class);
      SLOT = lookup.findVarHandle(SignalingSocket.class, "slot", Object.class);
      FIRST_CLOSE = lookup.findVarHandle(SignalingSocket.class, "firstClose", Close.class);
      AWAITED_PING = lookup.findVarHandle(SignalingSocket.class, "awaitedPing", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

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
    if (!SLOT.compareAndSet(this, null, admission)) {
      ((ConnectionSlots.Slot) admission).close(); // closed meanwhile (handshake timeout)
      return;
    }
    state = State.UPGRADED;
    ByteBuffer received = ByteBuffer.wrap(head, 0, headLength);
    head = null;
    // The whole head, and any frames that came with it; the draft copied for it is bound to this socket.
    SignalingDraft.bindingUpgrades(new SignalingDraft.Binding(queued, this), () -> super.decode(received));
  }

  /** Decoder thread: opens the budget account at the first reservation. */
  @Override
  public boolean reserve(long bytes) {
    InboundBudget.Account a = account;
    if (a == null) {
      a = endpoint.budget().open(this::shed);
      account = a;
      if (closed) {
        a.close(); // closed meanwhile, perhaps before the close could see the account
      }
    }
    return a.reserve(bytes);
  }

  @Override
  public void release(long bytes) {
    InboundBudget.Account a = account;
    if (a != null) {
      a.release(bytes);
    }
  }

  /**
   * The inbound budget sheds this connection (it holds the most of a full budget): closed with
   * {@code 1009}. May run on another connection's decoder thread: the close runs on the timer.
   */
  private void shed() {
    log.debug("Connection {}: shed to keep the inbound budget", id);
    endpoint.schedule(() -> connection.abort(CloseFrame.TOOBIG, HeldBytes.OVER_BUDGET), 0);
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

  /** A pong arrived (decoder thread): it answers the ping awaited if it echoes its payload. */
  void pong(ByteBuffer payload) {
    long awaited = awaitedPing;
    if (awaited != 0 && PingCheck.echoes(payload, awaited)) {
      AWAITED_PING.compareAndSet(this, awaited, 0L);
    }
  }

  /**
   * The liveness sweep's visit (timer thread): an open socket whose last ping is still unanswered
   * is dropped, another gets a ping with {@code token} (not 0) as its payload; a socket closing
   * since the last sweep is dropped.
   */
  void checkLiveness(long token) {
    ReadyState state = getReadyState();
    if (state == ReadyState.OPEN) {
      if (awaitedPing != 0) {
        log.debug("Connection {}: no pong to the last ping; dropping it", id);
        closeConnection(CloseFrame.ABNORMAL_CLOSE, "no pong", false);
      } else {
        awaitedPing = token;
        connection.ping(PingCheck.payload(token));
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
    FIRST_CLOSE.compareAndSet(this, null, new Close(code, message == null ? "" : message, remote));
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
    if (closed) {
      return;
    }
    if (endpoint.onSelectorThread()) {
      // At end of stream Java-WebSocket 1.6.0 closes the socket in the middle of its selector
      // pass, then asks the cancelled key whether it is writable: the CancelledKeyException ends
      // the pass, so a mass drop costs one pass per closed socket and new connections wait behind
      // them. Closed on the timer thread instead, the pass goes on; the socket is not read
      // meanwhile. (A close the timer drops at shutdown is made again by the endpoint's last sweep.)
      SelectionKey key = getSelectionKey();
      try {
        if (key != null) {
          key.interestOps(0);
        }
      } catch (CancelledKeyException e) {
        // already cancelled
      }
      endpoint.schedule(() -> closeNow(code, message, remote), 0);
      return;
    }
    closeNow(code, message, remote);
  }

  private void closeNow(int code, String message, boolean remote) {
    if (!CLOSED_FLAG.compareAndSet(this, false, true)) {
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
      if (SLOT.getAndSet(this, CLOSED) instanceof ConnectionSlots.Slot held) {
        held.close(); // before the hub learns of the close, so a new client fits then
      }
      InboundBudget.Account a = account;
      if (a != null) {
        a.close(); // what this connection held of partial messages counts no more
      }
      endpoint.forget(this);
      Close handshake = firstClose;
      if (handshake != null && (code == CloseFrame.ABNORMAL_CLOSE || !handshake.remote())) {
        // Report the close handshake that actually took place, in two races of 1.6.0:
        // * the TCP connection ended after a close frame went out but before the library marked
        //   the close as under way (it sends the frame first), which turns a clean close into 1006;
        // * we started the close, and the peer's echo was decoded before the flush-and-close that
        //   follows our frame (deferred to the timer thread above, and the selector reads on
        //   meanwhile): the library then reports the echo, as if the peer had started the close.
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
    return FAILED.compareAndSet(this, false, true);
  }

  @Override
  public String toString() {
    return "SignalingSocket[" + id + ", " + getReadyState() + ']';
  }
}
