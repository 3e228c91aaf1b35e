package dev.signaling.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLContext;

/**
 * What a {@link SignalingClient.Builder} collected, checked, for the client's engine.
 *
 * @param uri the server, with the builder's query parameters
 * @param headers extra upgrade headers, by name, in the order given
 * @param auth the register's {@code auth} supplier, or {@code null}
 * @param backoff the reconnection delays, or {@code null} for no reconnection
 * @param heartbeatInterval {@link Duration#ZERO} for no automatic heartbeat
 * @param sslContext for {@code wss://} when the client makes its own HTTP client, or {@code null}
 * @param httpClient the application's HTTP client, or {@code null} for one of the client's own
 * @param threadFactory makes the event thread, or {@code null} for the default
 */
record ClientSettings(
    URI uri,
    String nodeId,
    String username,
    String publicKey,
    String encryptionKey,
    Map<String, List<String>> headers,
    RegisterAuth auth,
    Backoff backoff,
    Duration heartbeatInterval,
    Duration pingInterval,
    Duration connectTimeout,
    int maxMessageChars,
    SSLContext sslContext,
    HttpClient httpClient,
    ThreadFactory threadFactory,
    DoubleSupplier jitter) {

  /** Copies the headers. */
  ClientSettings {
    headers = Map.copyOf(headers);
  }
}
