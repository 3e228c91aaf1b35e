package dev.signaling.testkit;

import java.time.Duration;

/**
 * A raw client for protocol tests: sends frames, and waits (with a timeout, never by sleeping)
 * for the frames and the close it receives.
 */
public interface TestClient extends AutoCloseable {

  /** How long a test waits for an expected event before it fails. */
  Duration TIMEOUT = Duration.ofSeconds(10);

  /** Sends a text frame. */
  void send(String text);

  /** Sends a binary frame. */
  void sendBinary(byte[] data);

  /**
   * The next text message received, waiting up to {@link #TIMEOUT}.
   *
   * @throws AssertionError if none arrives in time, or the connection closed first
   */
  String next();

  /**
   * The close the server sent, waiting up to {@link #TIMEOUT}; messages still unread are
   * discarded.
   *
   * @throws AssertionError if the connection does not close in time
   */
  CloseStatus awaitClose();

  /** Whether the connection is closed (by either side). */
  boolean isClosed();

  /** Closes the connection from the client's side with {@code 1000} (if still open). */
  @Override
  void close();

  /** A received close: its code and reason. */
  record CloseStatus(int code, String reason) {}
}
