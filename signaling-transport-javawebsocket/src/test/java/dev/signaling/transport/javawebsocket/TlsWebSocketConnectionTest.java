package dev.signaling.transport.javawebsocket;

import dev.signaling.testkit.transport.Wire;

/** Every test of {@link WebSocketConnectionTest} again, over TLS with a certificate made at test time. */
class TlsWebSocketConnectionTest extends WebSocketConnectionTest {

  @Override
  Wire wire() {
    return Wire.TLS;
  }
}
