package dev.signaling.testkit.transport.attack;

import org.junit.jupiter.api.Nested;

/**
 * The attacks of issue 10 that a transport must withstand, over real sockets against a server in
 * a child JVM with a small heap ({@link AttackGroup#HEAP}): each is sized to exhaust that heap,
 * to lock honest clients out, or to starve them, on a server that does not enforce the limits of
 * the SPI and the hub. Throughout each attack the server must answer {@code /health} and new
 * upgrades and serve an honest pair (heartbeats and signals); afterwards its heap returns near
 * the baseline and its log shows no {@link Error} (see {@link AttackCheck}). A transport runs
 * them all with one subclass in its test sources, naming the main class that runs its server
 * through {@link ServerProcess}:
 *
 * <pre>{@code
 * class MyTransportAttackTest extends TransportAttacks {
 *   @Override
 *   protected Class<?> serverMain() {
 *     return MyTransportServerMain.class;
 *   }
 * }
 * }</pre>
 *
 * <p>Each concern is a group in a file of its own, run here through a one-line {@link Nested}
 * inner class, as in {@link dev.signaling.testkit.transport.TransportKit}; a {@code -Dtest=}
 * filter names the groups as {@code TransportAttacks*}.
 */
public abstract class TransportAttacks {

  /** The main class that runs this transport's server in a {@link ForkedServer}. */
  protected abstract Class<?> serverMain();

  /** {@link FrameAttacks}. */
  @Nested
  class FrameReader extends FrameAttacks {
    FrameReader() {
      super(TransportAttacks.this);
    }
  }

  /** {@link UpgradeAttacks}. */
  @Nested
  class Upgrades extends UpgradeAttacks {
    Upgrades() {
      super(TransportAttacks.this);
    }
  }

  /** {@link OutboundAttacks}. */
  @Nested
  class Outbound extends OutboundAttacks {
    Outbound() {
      super(TransportAttacks.this);
    }
  }

  /** {@link Ed25519Attacks}. */
  @Nested
  class Ed25519 extends Ed25519Attacks {
    Ed25519() {
      super(TransportAttacks.this);
    }
  }
}
