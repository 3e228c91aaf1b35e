package dev.signaling.transport.javawebsocket;

import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.spi.AllowedOrigins;
import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.InboundBudget;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketAdapter;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java-WebSocket server behind a {@link SignalingServer}: it creates a {@link
 * SignalingSocket} for every accepted connection (over {@link TlsChannel} when TLS is on), hands
 * opened ones to the hub, and owns what the library lacks: the origin allowlist, the connection
 * caps ({@link ConnectionSlots}), the server-wide budget for partial messages ({@link
 * InboundBudget}), the handshake timeout, liveness by answered pings ({@link Liveness}), a sweep
 * that restores lost write demands, an accept rate that keeps up with a reconnect storm ({@link
 * #onConnect}), and what happens when an {@link Error} reaches one of its threads ({@link
 * Failure}).
 */
final class WebSocketEndpoint extends WebSocketServer {

  private static final Logger log = LoggerFactory.getLogger(WebSocketEndpoint.class);

  /** Most connections {@link #onConnect} takes in one selector pass (the listen backlog). */
  private static final int MAX_ACCEPTS_PER_PASS = 1024;

  /** How often {@link SignalingSocket#kickIfStalled()} runs over all sockets. */
  private static final long STALL_SWEEP_MILLIS = 100;

  private final SignalingHub hub;
  private final SignalingConfig config;
  /** Null for plain TCP. */
  private final SSLContext tls;
  private final AllowedOrigins allowedOrigins;
  private final ConnectionSlots slots;
  private final InboundBudget budget;
  private final ScheduledThreadPoolExecutor timer;
  private final Set<SignalingSocket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong ids = new AtomicLong();
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  private final Failure failure;
  private volatile boolean shuttingDown;
  /** The library's selector thread, once it runs. */
  private volatile Thread selectorThread;
  /** What every socket is offered: one shared template (see {@link SignalingDraft#template}). */
  private final List<Draft> drafts;
  /** The gathering-write array of the one selector thread, shared by all its channels. */
  private final ByteBuffer[] writeBatch = CountingChannel.newBatch();

  WebSocketEndpoint(ServerSocketChannel boundChannel, SignalingHub hub, SSLContext tls,
      AllowedOrigins allowedOrigins, int stopTimeoutMillis) {
    super(boundChannel);
    this.hub = hub;
    this.config = hub.config();
    this.drafts = List.of(SignalingDraft.template(config.maxMessageBytes()));
    this.tls = tls;
    this.allowedOrigins = allowedOrigins;
    this.slots = new ConnectionSlots(config);
    this.budget = new InboundBudget(config);
    int port = getPort();
    this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "signaling-timer-" + port);
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    this.failure = new Failure(this, hub, boundChannel, stopTimeoutMillis);
    // The first upgrade should not pay for loading the date formatter's locale data and SHA-1.
    SignalingDraft.acceptKey(HttpDate.now());
    setReuseAddr(true);
    setTcpNoDelay(true);
    setConnectionLostTimeout(0); // replaced by Liveness, which counts only answered pings
    setWebSocketFactory(new Factory());
  }

  /** Starts the selector and waits until it runs. */
  void startAndWait(long timeoutMillis) throws InterruptedException, ExecutionException, TimeoutException {
    start();
    started.get(timeoutMillis, TimeUnit.MILLISECONDS);
    timer.scheduleWithFixedDelay(this::kickStalledWrites, STALL_SWEEP_MILLIS, STALL_SWEEP_MILLIS,
        TimeUnit.MILLISECONDS);
    long ping = config.pingInterval().toMillis();
    timer.scheduleAtFixedRate(new Liveness(this, sockets)::sweep, ping, ping, TimeUnit.MILLISECONDS);
  }

  /**
   * Stops accepting, closes every connection through the hub ({@code 1001}), stops the library
   * within {@code timeoutMillis}, then drops whatever is still open. Idempotent: a second call
   * (after a failure stopped the server, say) waits for the first to end.
   */
  void shutDown(int timeoutMillis) throws InterruptedException {
    failure.stopOnce(() -> {
      markShuttingDown();
      try {
        hub.close();
      } catch (RuntimeException e) {
        log.error("Closing the hub failed", e);
      }
      try {
        stop(Math.max(1, timeoutMillis)); // stop(0) would wait without limit
      } finally {
        for (SignalingSocket socket : sockets) {
          socket.closeConnection(CloseFrame.GOING_AWAY, "server shutting down");
        }
        timer.shutdownNow();
      }
    });
  }

  /** The drafts offered to a new socket. */
  List<Draft> drafts() {
    return drafts;
  }

  /** From now on {@code /health} and new upgrades answer {@code 503}. */
  void markShuttingDown() {
    shuttingDown = true;
    slots.close();
  }

  boolean isShuttingDown() {
    return shuttingDown;
  }

  AllowedOrigins allowedOrigins() {
    return allowedOrigins;
  }

  /** The connection caps an upgrade must pass. */
  ConnectionSlots slots() {
    return slots;
  }

  /** The server-wide budget for partial messages; every upgraded socket opens an account. */
  InboundBudget budget() {
    return budget;
  }

  /** A socket was closed; called once per socket. */
  void forget(SignalingSocket socket) {
    sockets.remove(socket);
  }

  /** Whether the caller is the library's selector thread. */
  boolean onSelectorThread() {
    return Thread.currentThread() == selectorThread;
  }

  /** The sockets not closed yet. */
  Set<SignalingSocket> sockets() {
    return sockets;
  }

  /**
   * Runs a task on the timer thread after a delay; at once on this thread after shutdown.
   *
   * @return the task's future, to cancel it; null when it ran at once
   */
  Future<?> schedule(Runnable task, long delayMillis) {
    try {
      return timer.schedule(() -> guarded(task), delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      task.run();
      return null;
    }
  }

  /** Runs a timer task: what it throws must not vanish in the executor's future. */
  private void guarded(Runnable task) {
    try {
      task.run();
    } catch (Error e) {
      failure.fail(e);
    } catch (RuntimeException e) {
      log.error("A timer task failed", e);
    }
  }

  /**
   * The adapter boundary's last resort. An {@link Error} means the server cannot go on: {@link
   * Failure#fail}. Anything else was one connection's trouble: logged once per socket, and that
   * socket only is closed with {@code 1011}.
   */
  void failed(SignalingSocket socket, Throwable t) {
    if (t instanceof Error e) {
      failure.fail(e);
      return;
    }
    if (socket.firstFailure()) {
      log.error("Connection {}: unexpected failure; closing it with 1011", socket.id, t);
    } else {
      log.debug("Connection {}: further failure", socket.id, t);
    }
    try {
      if (socket.isOpen()) {
        socket.close(CloseFrame.UNEXPECTED_CONDITION, "internal error");
      } else {
        socket.closeConnection(CloseFrame.UNEXPECTED_CONDITION, "internal error");
      }
    } catch (RuntimeException again) {
      socket.closeConnection(CloseFrame.UNEXPECTED_CONDITION, "internal error");
    }
  }

  /** The sockets that completed their upgrade and are not closed yet (for tests). */
  List<SignalingSocket> openSockets() {
    return sockets.stream().filter(WebSocketImpl::isOpen).toList();
  }

  private void kickStalledWrites() {
    for (SignalingSocket socket : sockets) {
      try {
        socket.kickIfStalled();
      } catch (Throwable t) {
        // An exception would cancel this periodic task for every socket: keep it to this one.
        failed(socket, t);
      }
    }
  }

  /**
   * The selector thread: the library's loop, and what escapes it. An {@link Error} that gets out
   * has already closed the selector, so nothing is written any more: {@link Failure#selectorDied}.
   */
  @Override
  public void run() {
    selectorThread = Thread.currentThread();
    failure.selectorThread(selectorThread);
    try {
      super.run();
    } catch (Throwable t) {
      started.completeExceptionally(t); // if it dies before it ever ran, start() fails at once
      failure.selectorDied(t);
    }
  }

  /**
   * Takes every pending connection but one. Java-WebSocket 1.6.0 accepts one connection per
   * selector pass ({@code WebSocketServer.doAccept}, private), and a pass also serves every ready
   * connection, so in a reconnect storm accepts fall far behind. The library calls this on its
   * selector thread with the listening key just before its own accept: the connections accepted
   * here are set up exactly as {@code doAccept} sets up its one (non-blocking, TCP_NODELAY,
   * keep-alive, registered for reads with a socket of our factory, the channel wrapped, a read
   * buffer allocated). The library's accept then takes the next one, or finds none and does
   * nothing, as when another thread won the race. Always true: false would cancel the listening
   * key.
   */
  @Override
  protected boolean onConnect(SelectionKey key) {
    ServerSocketChannel listening = (ServerSocketChannel) key.channel();
    try {
      SocketChannel channel;
      for (int i = 0; i < MAX_ACCEPTS_PER_PASS && (channel = listening.accept()) != null; i++) {
        adopt(channel, key.selector());
      }
    } catch (IOException e) {
      // Out of file descriptors, say: the library's own accept meets it next and handles it.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  /** What {@code doAccept} does with the connection it accepts. */
  private void adopt(SocketChannel channel, Selector selector) throws InterruptedException {
    WebSocketServerFactory factory = (WebSocketServerFactory) getWebSocketFactory();
    WebSocketImpl socket = null;
    try {
      channel.configureBlocking(false);
      channel.socket().setTcpNoDelay(isTcpNoDelay());
      channel.socket().setKeepAlive(true);
      socket = factory.createWebSocket(this, drafts);
      socket.setSelectionKey(channel.register(selector, SelectionKey.OP_READ, socket));
      socket.setChannel(factory.wrapChannel(channel, socket.getSelectionKey()));
      allocateBuffers(socket);
    } catch (IOException e) {
      log.debug("Dropping a connection at accept: {}", e.toString());
      if (socket != null) {
        socket.closeConnection(CloseFrame.ABNORMAL_CLOSE, "accept failed");
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // gone anyway
      }
    }
  }

  @Override
  public void onStart() {
    started.complete(null);
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    SignalingSocket socket = (SignalingSocket) conn;
    socket.cancelHandshakeTimeout();
    try {
      WebSocketConnection connection = socket.connection;
      HandshakeRequest request = request(socket, handshake);
      log.debug("Connection {}: opened from {}", socket.id, request.remoteAddress());
      connection.opened(request);
      connection.attach(hub.open(connection));
    } catch (Throwable t) {
      failed(socket, t);
    }
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    ((SignalingSocket) conn).connection.text(message);
  }

  @Override
  public void onMessage(WebSocket conn, ByteBuffer message) {
    ((SignalingSocket) conn).connection.binary(message);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    // Reported by SignalingSocket.closeConnection, which sees every close.
  }

  /**
   * Errors the library reports. It wraps an {@link Error} met by one of its worker threads in an
   * {@code Exception}; with no connection, after the start, it reports that its selector thread
   * gives up. Both leave the library unable to go on: {@link Failure}. Anything else is one
   * client's protocol error, for which the library closes that connection.
   */
  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (ex.getCause() instanceof Error e) {
      failure.fail(e);
    } else if (conn == null) {
      if (!started.completeExceptionally(ex) && !shuttingDown) {
        failure.selectorGaveUp(ex);
      }
    } else {
      log.debug("Connection {}: {}", ((SignalingSocket) conn).id, ex.toString());
    }
  }

  private static HandshakeRequest request(SignalingSocket socket, ClientHandshake handshake) {
    String target = handshake.getResourceDescriptor();
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    String query = question < 0 ? "" : target.substring(question + 1);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Iterator<String> names = handshake.iterateHttpFields(); names.hasNext(); ) {
      String name = names.next();
      headers.put(name, List.of(handshake.getFieldValue(name)));
    }
    return new HandshakeRequest(path.isEmpty() ? "/" : path, query, headers, socket.remoteAddress());
  }

  /** Creates our sockets and wraps their channels; runs on the selector thread at accept. */
  private final class Factory implements WebSocketServerFactory {

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, Draft draft) {
      throw new UnsupportedOperationException("client role: never used by a server");
    }

    @Override
    public WebSocketImpl createWebSocket(WebSocketAdapter adapter, List<Draft> drafts) {
      SignalingSocket socket =
          SignalingSocket.create(WebSocketEndpoint.this, "c" + ids.incrementAndGet());
      sockets.add(socket);
      try {
        socket.setHandshakeTimeout(timer.schedule(() -> guarded(socket::handshakeTimedOut),
            config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS));
      } catch (RejectedExecutionException e) {
        // Shutting down: the socket is dropped with the others.
      }
      return socket;
    }

    @Override
    public ByteChannel wrapChannel(SocketChannel channel, SelectionKey key) throws IOException {
      SignalingSocket socket = (SignalingSocket) key.attachment();
      if (tls == null) {
        return new CountingChannel(channel, socket, writeBatch);
      }
      try {
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(false);
        return new TlsChannel(channel, engine, socket, key);
      } catch (RuntimeException e) {
        // The selector thread would stop the whole server on a runtime exception; an
        // IOException drops this one connection.
        throw new IOException("cannot start TLS for connection " + socket.id, e);
      }
    }

    @Override
    public void close() {
      // Nothing to release.
    }
  }
}
