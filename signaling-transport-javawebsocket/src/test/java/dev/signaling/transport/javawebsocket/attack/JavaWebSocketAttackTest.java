package dev.signaling.transport.javawebsocket.attack;

import dev.signaling.testkit.transport.attack.TransportAttacks;

/** The attacks of issue 10 against the Java-WebSocket transport. */
class JavaWebSocketAttackTest extends TransportAttacks {

  @Override
  protected Class<?> serverMain() {
    return JavaWebSocketServerMain.class;
  }
}
