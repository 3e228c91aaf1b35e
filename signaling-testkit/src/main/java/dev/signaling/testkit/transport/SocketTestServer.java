package dev.signaling.testkit.transport;

import dev.signaling.core.SignalingHub;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.WebSocketTestClient;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TestServer} on a real port, reached by {@link WebSocketTestClient}s over a {@link Wire}:
 * how the protocol contract runs over a transport's sockets (or a cluster module's servers).
 */
public final class SocketTestServer implements TestServer {

  /** Closes the server behind a {@link SocketTestServer}. */
  @FunctionalInterface
  public interface Closer {
    /** Closes the server (idempotent). */
    void close();
  }

  private final SignalingHub hub;
  private final URI webSocketUri;
  private final Closer server;
  private final Wire wire;
  private final String name;
  private final List<WebSocketTestClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  /**
   * A running server, reached at {@code webSocketUri} over {@code wire}; its clients are named after
   * {@code name}, and {@link #close()} calls {@code server} before it closes them.
   */
  public SocketTestServer(SignalingHub hub, URI webSocketUri, Closer server, Wire wire, String name) {
    this.hub = Objects.requireNonNull(hub, "hub");
    this.webSocketUri = Objects.requireNonNull(webSocketUri, "webSocketUri");
    this.server = Objects.requireNonNull(server, "server");
    this.wire = Objects.requireNonNull(wire, "wire");
    this.name = Objects.requireNonNull(name, "name");
  }

  /** A server of the transport under test, reached over {@code wire}. */
  public static SocketTestServer of(ServerHandle server, Wire wire) {
    return new SocketTestServer(server.hub(), server.webSocketUri(), server::close, wire, "server");
  }

  /** Where clients connect. */
  public URI webSocketUri() {
    return webSocketUri;
  }

  @Override
  public SignalingHub hub() {
    return hub;
  }

  @Override
  public WebSocketTestClient connect() throws Exception {
    WebSocketTestClient client = wire.connect(name + "-client-" + names.incrementAndGet(), webSocketUri);
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
