package dev.signaling.core;

import java.net.URI;
import java.util.List;

/**
 * A started signaling server, whatever its transport: each transport's {@code SignalingServer}
 * implements it, so that an application, a command line or a test can hold either one.
 */
public interface RunningServer extends AutoCloseable {

  /**
   * The port the server listens on (the real one when it was started with port {@code 0}).
   *
   * @return the port
   */
  int port();

  /**
   * The host the server was bound to, as given to the builder (default {@code 0.0.0.0}).
   *
   * @return the host
   */
  String host();

  /**
   * Where clients connect, e.g. {@code ws://127.0.0.1:3001} ({@code wss://} with TLS); the
   * loopback address when bound to all interfaces.
   *
   * @return where clients connect
   */
  URI webSocketUri();

  /**
   * The health endpoint, e.g. {@code http://127.0.0.1:3001/health} ({@code https://} with TLS).
   *
   * @return the health endpoint
   */
  URI healthUri();

  /**
   * Whether this server speaks TLS ({@code wss://}, {@code https://}).
   *
   * @return whether it speaks TLS
   */
  boolean isSecure();

  /**
   * The hub behind this server, to read its state or close connections.
   *
   * @return the hub
   */
  SignalingHub hub();

  /**
   * The registered nodes in registration order: an immutable snapshot.
   *
   * @return the registered nodes
   */
  List<Participant> participants();

  /**
   * Stops the server: {@code /health} answers {@code 503} from now on, every client is closed with
   * {@code 1001 "server shutting down"}, the threads stop and the port is freed. Idempotent;
   * returns within a bounded time (a few seconds at most, when clients do not read).
   */
  @Override
  void close();
}
