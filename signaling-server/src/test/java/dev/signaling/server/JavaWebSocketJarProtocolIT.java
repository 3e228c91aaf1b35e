package dev.signaling.server;

/** The jar on Java-WebSocket, the default: the same checks, so both transports answer alike. */
class JavaWebSocketJarProtocolIT extends JarProtocolChecks {

  @Override
  String transport() {
    return "java-websocket";
  }
}
