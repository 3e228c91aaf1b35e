package dev.signaling.transport.javawebsocket.attack;

/** The attacks of issue 10 against the Java-WebSocket transport. */
class JavaWebSocketAttackTest extends TransportAttacks {

  @Override
  protected Class<?> serverMain() {
    return JavaWebSocketServerMain.class;
  }
}
