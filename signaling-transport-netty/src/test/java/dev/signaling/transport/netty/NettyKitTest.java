package dev.signaling.transport.netty;

import dev.signaling.testkit.transport.TransportFactory;
import dev.signaling.testkit.transport.TransportKit;

/** The whole transport test kit (the protocol contract included, plain and over TLS) on Netty. */
class NettyKitTest extends TransportKit {

  @Override
  protected TransportFactory factory() {
    return new NettyFactory();
  }
}
