package dev.signaling.transport.netty;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.testkit.SignalingContractTest;
import dev.signaling.core.testkit.TestServer;

/** The whole protocol contract again, over real sockets through Netty. */
class NettyContractTest extends SignalingContractTest {

  /** Whether the contract runs over TLS; {@link NettyTlsContractTest} says yes. */
  boolean tls() {
    return false;
  }

  @Override
  protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
    return new NettyTestServer(tls(), config, listener);
  }
}
