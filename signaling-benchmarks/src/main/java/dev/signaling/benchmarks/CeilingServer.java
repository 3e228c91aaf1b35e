package dev.signaling.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.java_websocket.WebSocket;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.WebSocketServerFactory;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * The transport's limit: the least work a Java-WebSocket 1.6.0 relay can do on our wire
 * protocol, written the way the library invites. No validation, no limits, no ordering guarantee
 * beyond what falls out, no metrics:
 *
 * <ul>
 *   <li>{@code signal}: finds {@code "to":"…"} by a substring scan and sends the received text to
 *       that connection ({@code peer not found} otherwise);
 *   <li>{@code register}: remembers the node and answers the registrant with the participants
 *       list; in {@link Mode#FULL_LISTS} it instead sends every full list to every node (what a
 *       naive server, like the reference, does on each join: N² lists, N³ bytes);
 *   <li>{@code heartbeat}: encodes {@code {"type":"heartbeat","from":…}} once and sends the frame
 *       to every other registered connection (the library's broadcast path: one encoding, a
 *       header and payload copy per recipient).
 * </ul>
 *
 * Same socket settings as our server: TCP_NODELAY, reuse address, accept backlog 1024, decoder
 * threads = cores, ping every 30 s.
 *
 * <p>With {@code acceptAll}, it also takes every pending connection in each selector pass rather
 * than the library's one (see {@link #onConnect}): the prototype of raising Java-WebSocket's
 * accept rate from our side.
 */
final class CeilingServer extends WebSocketServer implements AutoCloseable {

  enum Mode { ANSWER_REGISTRANT, FULL_LISTS }

  private static final String PREFIX = "{\"type\":\"participants\",\"participants\":[";
  private static final Draft_6455 ENCODER = new Draft_6455();

  /** Most connections {@link #onConnect} takes in one selector pass: the listen backlog. */
  private static final int BACKLOG = 1024;

  private final Mode mode;
  private final boolean acceptAll;
  private final ConcurrentHashMap<String, WebSocket> routes = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  /** Guarded by lock: registered connections and their entries, in registration order. */
  private WebSocket[] registered = new WebSocket[0];
  private final StringBuilder entries = new StringBuilder();
  private final CompletableFuture<Void> started = new CompletableFuture<>();

  CeilingServer(Mode mode, boolean acceptAll) {
    super(new InetSocketAddress(ServerKind.HOST, 0));
    this.mode = mode;
    this.acceptAll = acceptAll;
    setTcpNoDelay(true);
    setReuseAddr(true);
    setMaxPendingConnections(BACKLOG);
    setConnectionLostTimeout(30);
  }

  /** Starts one on a loopback ephemeral port. */
  static ServerKind.Running running(Mode mode, boolean acceptAll) throws Exception {
    CeilingServer server = new CeilingServer(mode, acceptAll);
    return new ServerKind.Running(server.startAndGetPort(), server, null);
  }

  /** Starts and returns the bound port. */
  int startAndGetPort() throws Exception {
    start();
    started.get(10, TimeUnit.SECONDS);
    return getPort();
  }

  @Override
  public void onStart() {
    started.complete(null);
  }

  /**
   * Java-WebSocket 1.6.0 accepts one connection per selector pass ({@code
   * WebSocketServer.doAccept}, private), and a pass also reads and writes every ready
   * connection, so during a connect storm accepts fall behind. The library asks this hook on its
   * selector thread, with the listening channel's key, just before each accept. With {@code
   * acceptAll} it takes every other pending connection here, set up exactly as {@code doAccept}
   * does (non-blocking, TCP_NODELAY, keep-alive, registered for reads with a socket of the
   * server's factory, its channel wrapped, a read buffer allocated), and leaves the library's own
   * accept the last one, or none (then its {@code accept} returns null and it does nothing, as
   * when another thread won the race). It must answer true: false cancels the listening key.
   */
  @Override
  protected boolean onConnect(SelectionKey key) {
    if (!acceptAll) {
      return true;
    }
    ServerSocketChannel listening = (ServerSocketChannel) key.channel();
    WebSocketServerFactory factory = (WebSocketServerFactory) getWebSocketFactory();
    try {
      SocketChannel channel;
      for (int i = 0; i < BACKLOG && (channel = listening.accept()) != null; i++) {
        adopt(channel, key, factory);
      }
    } catch (IOException e) {
      // Out of file descriptors, say: the library's own accept meets the same and handles it.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }

  private void adopt(SocketChannel channel, SelectionKey listeningKey, WebSocketServerFactory factory)
      throws InterruptedException {
    WebSocketImpl socket = null;
    try {
      channel.configureBlocking(false);
      channel.socket().setTcpNoDelay(isTcpNoDelay());
      channel.socket().setKeepAlive(true);
      socket = factory.createWebSocket(this, getDraft());
      socket.setSelectionKey(channel.register(listeningKey.selector(), SelectionKey.OP_READ, socket));
      socket.setChannel(factory.wrapChannel(channel, socket.getSelectionKey()));
      allocateBuffers(socket);
    } catch (IOException e) {
      if (socket != null && socket.getSelectionKey() != null) {
        socket.getSelectionKey().cancel();
      }
      try {
        channel.close(); // this connection only
      } catch (IOException ignored) {
        // gone anyway
      }
    }
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    // nothing to do until register
  }

  @Override
  public void onMessage(WebSocket conn, String text) {
    if (text.startsWith("{\"type\":\"signal\"")) {
      String to = stringField(text, "\"to\":\"");
      WebSocket target = to == null ? null : routes.get(to);
      if (target != null) {
        target.send(text);
      } else {
        conn.send("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"" + to + "\"}");
      }
    } else if (text.startsWith("{\"type\":\"heartbeat\"")) {
      String from = conn.getAttachment();
      if (from == null) {
        return;
      }
      List<Framedata> frames = ENCODER.createFrames("{\"type\":\"heartbeat\",\"from\":\"" + from + "\"}", false);
      WebSocket[] all = registered;
      for (WebSocket other : all) {
        if (other != conn) {
          try {
            other.sendFrame(frames);
          } catch (RuntimeException ignored) {
            // closed meanwhile
          }
        }
      }
    } else if (text.startsWith("{\"type\":\"register\"")) {
      register(conn, text);
    }
  }

  private void register(WebSocket conn, String text) {
    String nodeId = stringField(text, "\"nodeId\":\"");
    String username = stringField(text, "\"username\":\"");
    if (nodeId == null || username == null) {
      conn.send("{\"type\":\"error\",\"error\":\"missing nodeId or username\"}");
      return;
    }
    conn.setAttachment(nodeId);
    routes.put(nodeId, conn);
    synchronized (lock) {
      WebSocket[] next = Arrays.copyOf(registered, registered.length + 1);
      next[registered.length] = conn;
      registered = next;
      if (entries.length() > 0) {
        entries.append(',');
      }
      entries.append("{\"nodeId\":\"").append(nodeId).append("\",\"username\":\"").append(username).append("\"}");
      String list = PREFIX + entries + "]}";
      if (mode == Mode.FULL_LISTS) {
        // Under the lock, so that the last list each node gets is the complete one.
        broadcast(list, Arrays.asList(next));
      } else {
        conn.send(list);
      }
    }
  }

  /** The value of a string field found by a plain substring scan (no escapes: the benchmark's ids have none). */
  private static String stringField(String text, String key) {
    int at = text.indexOf(key);
    if (at < 0) {
      return null;
    }
    int start = at + key.length();
    int end = text.indexOf('"', start);
    return end < 0 ? null : text.substring(start, end);
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    String nodeId = conn.getAttachment();
    if (nodeId == null) {
      return;
    }
    routes.remove(nodeId, conn);
    synchronized (lock) {
      WebSocket[] all = registered;
      for (int i = 0; i < all.length; i++) {
        if (all[i] == conn) {
          WebSocket[] next = new WebSocket[all.length - 1];
          System.arraycopy(all, 0, next, 0, i);
          System.arraycopy(all, i + 1, next, i, all.length - i - 1);
          registered = next;
          break;
        }
      }
      String entry = "{\"nodeId\":\"" + nodeId + "\"";
      int at = entries.indexOf(entry);
      if (at >= 0) {
        int end = entries.indexOf("}", at) + 1;
        if (end < entries.length()) {
          end++; // the comma after it
        } else if (at > 0) {
          at--; // the comma before it
        }
        entries.delete(at, end);
      }
    }
  }

  @Override
  public void onError(WebSocket conn, Exception ex) {
    if (conn == null) {
      started.completeExceptionally(ex);
    }
  }

  @Override
  public void close() {
    try {
      stop(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ClosedSelectorException e) {
      // Java-WebSocket 1.6.0: stop() closes the connections one by one on this thread, while the
      // selector thread, seeing the server stopped, ends after a few passes and closes its
      // selector; a close frame then finds no selector. Drop the rest without one.
      for (WebSocket conn : getConnections()) {
        try {
          conn.closeConnection(CloseFrame.GOING_AWAY, "server stopped");
        } catch (RuntimeException ignored) {
          // already closed
        }
      }
    }
  }
}
