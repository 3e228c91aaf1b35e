package dev.signaling.testkit.transport;

import dev.signaling.core.Participant;
import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingHub;
import java.net.URI;
import java.util.List;

/**
 * A running server of the transport under test, as a {@link TransportFactory} returns it: the
 * server itself ({@link #server()}, whose public API every test uses through the default methods
 * here), plus the few hooks that only the transport can provide.
 */
public interface ServerHandle extends RunningServer {

  /** The transport's server. */
  RunningServer server();

  @Override
  default int port() {
    return server().port();
  }

  @Override
  default String host() {
    return server().host();
  }

  @Override
  default URI webSocketUri() {
    return server().webSocketUri();
  }

  @Override
  default URI healthUri() {
    return server().healthUri();
  }

  @Override
  default boolean isSecure() {
    return server().isSecure();
  }

  @Override
  default SignalingHub hub() {
    return server().hub();
  }

  @Override
  default List<Participant> participants() {
    return server().participants();
  }

  @Override
  default void close() {
    server().close();
  }

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
