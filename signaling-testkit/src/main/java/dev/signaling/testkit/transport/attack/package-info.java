/**
 * Room for the attack tests of the reliability issue (issue 10): tests over real sockets that try
 * to exhaust a server (stalled frames, fragment floods, readers that never read, hoarded slots,
 * signature floods) and check that it keeps answering {@code /health}, new upgrades and an honest
 * client, logs no {@code Error}, and returns near its heap baseline.
 *
 * <p><b>The pattern.</b> Each attack is a group like the others of the kit: a public abstract
 * class {@code XxxAttackTests extends TransportGroup} in this package, with a constructor {@code
 * (TransportKit, Wire)}, started through {@code start(...)} so that the kit closes its servers;
 * it is added to {@link dev.signaling.testkit.transport.TransportKit} as one more one-line
 * {@code @Nested} inner class, and so runs for every transport. An attack that is decisive only
 * at a small heap runs its server in a child JVM (for example {@code -Xmx256m}): the launcher
 * for that lives here too, and starts the child with the test's class path and the name of the
 * transport's {@link dev.signaling.testkit.transport.TransportFactory} class (which then needs a
 * public no-argument constructor), so that every transport can be attacked the same way.
 */
package dev.signaling.testkit.transport.attack;
