package dev.signaling.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The clients a test started, closed at its end; builders with fast, predictable reconnection. */
final class Clients implements AutoCloseable {

  /** Small delays keep reconnection tests fast; jitter 0 makes them exact. */
  static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(80), 2, 0.5);

  private final List<SignalingClient> started = new CopyOnWriteArrayList<>();

  /** A builder for {@code nodeId} ({@code user-<nodeId>}) reporting to {@code recorder}. */
  static SignalingClientBuilder builder(URI server, String nodeId, ClientRecorder recorder) {
    return SignalingClient.builder(server, nodeId, "user-" + nodeId)
        .listener(recorder)
        .reconnect(FAST)
        .jitterSource(() -> 0.0);
  }

  SignalingClient connect(SignalingClientBuilder builder) {
    SignalingClient client = builder.connect();
    started.add(client);
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
    started.forEach(SignalingClient::close);
  }
}
