package dev.signaling.testkit.transport.attack;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What every group of {@link TransportAttacks} builds on: the transport under attack, run in a
 * child JVM with a small heap ({@link #HEAP}).
 */
public abstract class AttackGroup {

  /** The child's heap: 1 MiB a connection exhausts it with about a hundred connections. */
  protected static final String HEAP = "-Xmx128m";
  /** The longest an attack may take to be in place. */
  protected static final Duration ATTACK = Duration.ofSeconds(30);
  protected static final int MIB = 1 << 20;

  private final TransportAttacks attacks;

  /** A group of {@code attacks}. */
  protected AttackGroup(TransportAttacks attacks) {
    this.attacks = Objects.requireNonNull(attacks, "attacks");
  }

  /** Starts the transport's server in a child JVM at {@link #HEAP}, with these settings ({@link ServerProcess}). */
  protected ForkedServer fork(Map<String, String> settings) {
    return ForkedServer.start(attacks.serverMain(), HEAP, settings);
  }
}
