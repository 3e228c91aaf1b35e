package dev.signaling.core;

import dev.signaling.core.testkit.InMemoryTransport;
import dev.signaling.core.testkit.SignalingContractTest;
import dev.signaling.core.testkit.TestServer;

/** The protocol contract, driven through the in-memory transport. */
class InMemoryContractTest extends SignalingContractTest {

  @Override
  protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
    return InMemoryTransport.start(config, listener);
  }
}
