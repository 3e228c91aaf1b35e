package dev.signaling.transport.javawebsocket;

/** Every test of {@link WebSocketTransportTest} again, over TLS with a certificate made at test time. */
class TlsWebSocketTransportTest extends WebSocketTransportTest {

  @Override
  Wire wire() {
    return Wire.TLS;
  }
}
