package dev.signaling.transport.netty;

import dev.signaling.testkit.transport.TransportFactory;
import dev.signaling.testkit.transport.TransportKit;

/**
 * The whole transport test kit with TLS through OpenSSL ({@link SignalingServer.Builder#openSslTls}):
 * the protocol contract, the HTTP endpoint, frames and the TLS tests over {@code wss://} run on
 * BoringSSL (the plain groups run again, the same as in {@link NettyKitTest}).
 */
class NettyOpenSslKitTest extends TransportKit {

  @Override
  protected TransportFactory factory() {
    return new NettyFactory(true);
  }
}
