package dev.signaling.testkit;

import dev.signaling.core.SignalingHub;

/** A running server under test, reached through some transport. */
public interface TestServer extends AutoCloseable {

  /** The hub behind the server, to read its state. */
  SignalingHub hub();

  /** Opens a new client connection to the server; returns once the connection is open. */
  TestClient connect() throws Exception;

  /** Stops the server and every client it opened. */
  @Override
  void close() throws Exception;
}
