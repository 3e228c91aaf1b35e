package dev.signaling.testkit.transport;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingHub;
import java.net.URI;
import java.util.List;

/**
 * A running server of the transport under test, as a {@link TransportFactory} returns it: what its
 * public API offers, plus the few hooks that only the transport can provide.
 */
public interface ServerHandle extends AutoCloseable {

  /** The bound port. */
  int port();

  /** The host the server was bound to, as given. */
  String host();

  /** {@code ws://host:port} or {@code wss://host:port}. */
  URI webSocketUri();

  /** {@code http(s)://host:port/health}. */
  URI healthUri();

  /** Whether the server speaks TLS. */
  boolean isSecure();

  /** The hub behind the server. */
  SignalingHub hub();

  /** The registered nodes, as the server's own API reports them. */
  List<Participant> participants();

  /** Closes the server as its own {@code close()} does (idempotent). */
  @Override
  void close();

  /**
   * Hook: puts the server in the "shutting down" state that its {@code close()} passes through
   * in an instant ({@code /health} answers {@code 503}, upgrades are refused), without closing
   * anything, so that a test can look at that state.
   */
  void markShuttingDown();

  /** Hook: whether the server is in that state now (read from a listener during {@code close()}). */
  boolean isShuttingDown();

  /**
   * Hook: the server's side of the one open WebSocket connection whose upgrade asked for {@code
   * path}, to look at its outbound queue.
   *
   * @throws AssertionError if there is no such connection
   */
  OutboundQueue outboundQueue(String path);

  /** The server's outbound queue for one connection. */
  interface OutboundQueue {

    /** Bytes queued for the connection and not yet written to its socket. */
    long queuedBytes();

    /** Whether nothing at all is held for the connection (no frame, no buffer). */
    boolean isEmpty();
  }
}
