package dev.signaling.testkit;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.contract.SignalingContract;

/** The protocol contract, driven through the in-memory transport. */
class InMemoryContractTest extends SignalingContract {

  @Override
  protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
    return InMemoryTransport.start(config, listener);
  }
}
