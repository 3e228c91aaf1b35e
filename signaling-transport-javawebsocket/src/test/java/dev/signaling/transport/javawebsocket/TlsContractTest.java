package dev.signaling.transport.javawebsocket;

/** The whole protocol contract over {@code wss://}, with the JDK client trusting a test certificate. */
class TlsContractTest extends JavaWebSocketContractTest {

  @Override
  Wire wire() {
    return Wire.TLS;
  }
}
