package dev.signaling.transport.netty.attack;

import dev.signaling.testkit.transport.attack.TransportAttacks;

/** The attacks of issue 10 against the Netty transport. */
class NettyAttackTest extends TransportAttacks {

  @Override
  protected Class<?> serverMain() {
    return NettyServerMain.class;
  }
}
