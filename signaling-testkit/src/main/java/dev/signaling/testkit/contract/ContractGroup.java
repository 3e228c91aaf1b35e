package dev.signaling.testkit.contract;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestServer;
import java.util.Objects;

/**
 * What every group of {@link SignalingContract} builds on: servers started through the contract
 * that runs it (so that they are closed after each test).
 */
public abstract class ContractGroup {

  private final SignalingContract contract;

  /** A group that starts its servers through {@code contract}. */
  protected ContractGroup(SignalingContract contract) {
    this.contract = Objects.requireNonNull(contract, "contract");
  }

  /** Starts a server for this test, with this configuration and listener. */
  protected TestServer server(SignalingConfig config, SignalingListener listener) throws Exception {
    return contract.server(config, listener);
  }

  /** Starts a server for this test, with this configuration and no listener. */
  protected TestServer server(SignalingConfig config) throws Exception {
    return server(config, SignalingListener.NONE);
  }

  /** Starts a server for this test, with the defaults. */
  protected TestServer server() throws Exception {
    return server(SignalingConfig.defaults());
  }
}
