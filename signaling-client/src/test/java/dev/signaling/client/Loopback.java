package dev.signaling.client;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.TestClient;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The real servers (on 127.0.0.1, a free port) and the clients a test started, all closed at its
 * end; client builders with fast, predictable reconnection.
 */
final class Loopback implements AutoCloseable {

  /** How long a test waits for an expected event before it fails. */
  static final Duration TIMEOUT = TestClient.TIMEOUT;

  /** Small delays keep reconnection tests fast; jitter 0 makes them exact. */
  static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(80), 2, 0.5);

  private final List<SignalingClient> clients = new CopyOnWriteArrayList<>();
  private final List<SignalingServer> servers = new CopyOnWriteArrayList<>();

  /** A builder for {@code nodeId} ({@code user-<nodeId>}) reporting to {@code recorder}. */
  static SignalingClientBuilder builder(URI server, String nodeId, ClientRecorder recorder) {
    return SignalingClient.builder(server, nodeId, "user-" + nodeId)
        .listener(recorder)
        .reconnect(FAST)
        .jitterSource(() -> 0.0);
  }

  /** Starts a server with {@code config} on a free port. */
  SignalingServer start(SignalingConfig config) {
    return start(SignalingServer.builder().port(0).config(config));
  }

  /** Starts the server {@code builder} describes, on 127.0.0.1. */
  SignalingServer start(SignalingServer.Builder builder) {
    SignalingServer server = builder.host("127.0.0.1").start();
    servers.add(server);
    return server;
  }

  SignalingClient connect(SignalingClientBuilder builder) {
    SignalingClient client = builder.connect();
    clients.add(client);
    return client;
  }

  /** Connects {@code nodeId} and waits until it is registered. */
  SignalingClient registered(URI server, String nodeId, ClientRecorder recorder) {
    SignalingClient client = connect(builder(server, nodeId, recorder));
    recorder.await(ClientRecorder.Registered.class);
    return client;
  }

  @Override
  public void close() {
    clients.forEach(SignalingClient::close);
    servers.forEach(SignalingServer::close);
  }
}
