package dev.signaling.transport.javawebsocket;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.testkit.TestServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TestServer} on a real port (loopback, ephemeral), reached by {@link JdkTestClient}s over
 * plain TCP or TLS.
 */
final class JavaWebSocketTestServer implements TestServer {

  private final SignalingServer server;
  private final Wire wire;
  private final List<JdkTestClient> clients = new CopyOnWriteArrayList<>();
  private final AtomicInteger names = new AtomicInteger();

  private JavaWebSocketTestServer(SignalingServer server, Wire wire) {
    this.server = server;
    this.wire = wire;
  }

  static JavaWebSocketTestServer start(SignalingConfig config, SignalingListener listener) {
    return start(Wire.PLAIN, config, listener);
  }

  static JavaWebSocketTestServer start(Wire wire, SignalingConfig config, SignalingListener listener) {
    return new JavaWebSocketTestServer(wire.builder().config(config).listener(listener).start(), wire);
  }

  Wire wire() {
    return wire;
  }

  SignalingServer server() {
    return server;
  }

  @Override
  public SignalingHub hub() {
    return server.hub();
  }

  @Override
  public JdkTestClient connect() throws Exception {
    JdkTestClient client = wire.connect("client-" + names.incrementAndGet(), server.webSocketUri());
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    server.close();
    clients.forEach(JdkTestClient::close);
  }
}
