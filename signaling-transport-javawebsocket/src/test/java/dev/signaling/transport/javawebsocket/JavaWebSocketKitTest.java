package dev.signaling.transport.javawebsocket;

import dev.signaling.testkit.transport.TransportFactory;
import dev.signaling.testkit.transport.TransportKit;

/** The whole transport test kit (the protocol contract included, plain and over TLS) on Java-WebSocket. */
class JavaWebSocketKitTest extends TransportKit {

  @Override
  protected TransportFactory factory() {
    return new JavaWebSocketFactory();
  }
}
