package dev.signaling.transport.javawebsocket;

import java.security.SecureRandom;
import java.util.Set;

/**
 * The sweep that keeps connections honest, once per ping interval on the endpoint's timer: an
 * open connection whose last ping is still unanswered is dropped ({@code 1006} reported, so its
 * node leaves), the others get a new ping with a payload no client can guess (see {@link
 * PingCheck}); a connection still closing since the last sweep (its peer never completes the
 * close handshake, nor reads its close frame) is dropped too. A connection that stops answering
 * is thus gone one to two intervals after its last pong.
 *
 * <p>Replaces Java-WebSocket's own lost-connection timer, which counts any pong, solicited or
 * not, and runs on a thread of its own.
 */
final class Liveness {

  private final WebSocketEndpoint endpoint;
  private final Set<SignalingSocket> sockets;
  /** Ping payloads: unpredictable, so that a client that does not read cannot forge the echo. */
  private final SecureRandom random = new SecureRandom();

  Liveness(WebSocketEndpoint endpoint, Set<SignalingSocket> sockets) {
    this.endpoint = endpoint;
    this.sockets = sockets;
  }

  /** One round over every socket; the timer thread only. */
  void sweep() {
    for (SignalingSocket socket : sockets) {
      try {
        socket.checkLiveness(PingCheck.token(random.nextLong()));
      } catch (Throwable t) {
        // An exception would cancel this periodic task for every socket: keep it to this one.
        endpoint.failed(socket, t);
      }
    }
  }
}
