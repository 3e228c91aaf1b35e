package dev.signaling.transport.netty;

/** The whole protocol contract over {@code wss://}, with the JDK client trusting a test certificate. */
class NettyTlsContractTest extends NettyContractTest {

  @Override
  boolean tls() {
    return true;
  }
}
