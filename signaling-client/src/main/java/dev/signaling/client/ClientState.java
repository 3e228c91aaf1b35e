package dev.signaling.client;

/**
 * Where a {@link SignalingClient} is. It moves {@code CONNECTING → REGISTERING → REGISTERED};
 * from any of these, a lost connection or a refused register leads to {@code WAITING} (then
 * {@code CONNECTING} again) when the reconnect policy retries, else to {@code CLOSED}. {@link
 * SignalingClient#close()} leads to {@code CLOSED} from everywhere. Only {@code REGISTERED}
 * sends.
 */
public enum ClientState {
  /** Opening a WebSocket to the server (TCP, TLS, upgrade). */
  CONNECTING,
  /** The WebSocket is open and {@code register} was sent; the server has not listed this node yet. */
  REGISTERING,
  /**
   * The server listed this node in a {@code participants} list on the current connection: the
   * {@code send} methods work.
   */
  REGISTERED,
  /** The connection ended or the register was refused; the client connects again after a delay. */
  WAITING,
  /** Stopped for good: closed by the application, replaced, refused for good, or no reconnection. */
  CLOSED
}
