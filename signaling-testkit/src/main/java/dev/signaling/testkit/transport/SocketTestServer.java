package dev.signaling.testkit.transport;

import dev.signaling.core.SignalingHub;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.WebSocketTestClient;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TestServer} on a real port, reached by {@link WebSocketTestClient}s over a {@link Wire}:
 * how the protocol contract runs over a transport's sockets.
 */
public final class SocketTestServer implements TestServer {

  private final ServerHandle server;
  private final Wire wire;
  private final String name;
  private final List<WebSocketTestClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  /** Wraps a running server; its clients connect over {@code wire} and are named after {@code name}. */
  public SocketTestServer(ServerHandle server, Wire wire, String name) {
    this.server = Objects.requireNonNull(server, "server");
    this.wire = Objects.requireNonNull(wire, "wire");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Starts a server through {@code factory} on {@code wire} with this spec's settings. */
  public static SocketTestServer start(TransportFactory factory, Wire wire, ServerSpec spec) {
    return new SocketTestServer(factory.start(spec.tls(wire.serverContext())), wire, "server");
  }

  /** The running server. */
  public ServerHandle server() {
    return server;
  }

  @Override
  public SignalingHub hub() {
    return server.hub();
  }

  @Override
  public WebSocketTestClient connect() throws Exception {
    WebSocketTestClient client = wire.connect(name + "-client-" + names.incrementAndGet(), server.webSocketUri());
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    server.close();
    clients.forEach(WebSocketTestClient::close);
  }

  @Override
  public String toString() {
    return name;
  }
}
