package dev.signaling.client;

import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A WebSocket server over real sockets that answers each connection's {@code register} as a test
 * scripts it: with an {@code error} for the first connections, then with a {@code participants}
 * list naming the node. It reaches what the real server does not do on cue: every refusal text
 * (some the real server sends only to registers this client never writes) and a server that
 * stops answering pings.
 */
final class ScriptedServer extends WebSocketServer implements AutoCloseable {

  /** The register of each connection, in order. */
  final BlockingQueue<String> registers = new LinkedBlockingQueue<>();

  private final List<String> refusals;
  private final boolean answerPings;
  private final AtomicInteger connections = new AtomicInteger();
  private final CountDownLatch started = new CountDownLatch(1);

  private ScriptedServer(List<String> refusals, boolean answerPings) {
    super(new InetSocketAddress("127.0.0.1", 0));
    this.refusals = List.copyOf(refusals);
    this.answerPings = answerPings;
    setReuseAddr(true);
  }

  /**
   * A started server that refuses the register of connection {@code i} with {@code refusals[i]}
   * (an empty text: no answer at all), and accepts the registers of later connections.
   */
  static ScriptedServer refusing(List<String> refusals, boolean answerPings) throws InterruptedException {
    ScriptedServer server = new ScriptedServer(refusals, answerPings);
    server.start();
    if (!server.started.await(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the scripted server did not start");
    }
    return server;
  }

  java.net.URI uri() {
    return java.net.URI.create("ws://127.0.0.1:" + getPort());
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void onOpen(WebSocket conn, ClientHandshake handshake) {
    conn.setAttachment(connections.getAndIncrement());
  }

  @Override
  public void onMessage(WebSocket conn, String message) {
    registers.add(message);
    int connection = conn.<Integer>getAttachment();
    if (connection < refusals.size() && refusals.get(connection).isEmpty()) {
      return; // scripted silence: the client stays REGISTERING
    }
    if (connection < refusals.size()) {
      conn.send("{\"type\":\"error\",\"error\":" + new JsonPrimitive(refusals.get(connection)) + "}");
      return;
    }
    JsonPrimitive nodeId = JsonParser.parseString(message).getAsJsonObject().getAsJsonPrimitive("nodeId");
    conn.send("{\"type\":\"participants\",\"participants\":[{\"nodeId\":" + nodeId + ",\"username\":\"u\"}]}");
  }

  @Override
  public void onWebsocketPing(WebSocket conn, Framedata f) {
    if (answerPings) {
      super.onWebsocketPing(conn, f);
    }
  }

  @Override
  public void onClose(WebSocket conn, int code, String reason, boolean remote) {}

  @Override
  public void onError(WebSocket conn, Exception ex) {}

  @Override
  public void close() throws InterruptedException {
    stop(2_000);
  }
}
