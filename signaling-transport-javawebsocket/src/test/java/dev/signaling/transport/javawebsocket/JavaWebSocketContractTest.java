package dev.signaling.transport.javawebsocket;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.testkit.SignalingContractTest;
import dev.signaling.core.testkit.TestServer;

/** The whole protocol contract again, over real sockets through Java-WebSocket. */
class JavaWebSocketContractTest extends SignalingContractTest {

  /** The wire to run the contract over; {@link TlsContractTest} runs it again over TLS. */
  Wire wire() {
    return Wire.PLAIN;
  }

  @Override
  protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
    return JavaWebSocketTestServer.start(wire(), config, listener);
  }
}
