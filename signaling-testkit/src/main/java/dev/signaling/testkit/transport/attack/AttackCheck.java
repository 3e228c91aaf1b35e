package dev.signaling.testkit.transport.attack;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What every attack test checks of a {@link ForkedServer}, with the figures for its report. It
 * starts by registering two {@link HonestClient}s and reading the server's baseline (heap after a
 * full GC, open connections); during the attack, each {@link #probe()} requires {@code GET /health}
 * to answer {@code 200}, a new upgrade {@code 101}, and the honest pair to exchange a heartbeat and
 * a signal each way, all within {@link #PROBE_TIMEOUT}; after it, {@link #recovered()} requires the
 * connections and the heap to return to the baseline and no {@link Error} in the server's log.
 *
 * <pre>{@code
 * try (ForkedServer server = ForkedServer.start(...); AttackCheck check = AttackCheck.begin("name", server)) {
 *   CrowdGroup attackers = ...;                                  // start the attack
 *   check.probeUntil(() -> attackers.upgraded() == 200, Duration.ofSeconds(20));
 *   check.measureDuring();                                       // heap while the attack holds
 *   attackers.close();
 *   check.recovered();
 * }
 * }</pre>
 */
public final class AttackCheck implements AutoCloseable {

  /**
   * The longest any probe may take. Generous: the attacks cost CPU (150 MiB of fragments to read
   * and unmask, on two cores shared with other builds), and what is checked is that the server
   * keeps answering, not how fast under a flood (the figures are printed for that).
   */
  public static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
  /**
   * How far above the baseline the heap may stay after an attack: 6% of the child's heap. A
   * transport may keep buffers that grew under load (Netty's pooled arenas grow by 4 MiB chunks),
   * while what an attack held is several times this (the figures printed show it), so anything
   * kept per attacking connection still fails the check.
   */
  public static final long HEAP_MARGIN = 8L << 20;

  private final String name;
  private final ForkedServer server;
  private final HonestClient a;
  private final HonestClient b;
  private final long baselineHeap;
  private final int baselineConnections;
  private long heapDuring = -1;
  private long heapAfter = -1;
  private int probes;
  private long maxHealthMillis;
  private long maxUpgradeMillis;
  private long maxExchangeMillis;

  private AttackCheck(String name, ForkedServer server, HonestClient a, HonestClient b) {
    this.name = name;
    this.server = server;
    this.a = a;
    this.b = b;
    this.baselineConnections = server.connections();
    this.baselineHeap = server.heapUsed();
  }

  /**
   * Registers the honest pair on {@code server} (with Ed25519 proofs when it runs with {@code
   * auth=ed25519}) and reads its baseline.
   */
  public static AttackCheck begin(String name, ForkedServer server) throws Exception {
    HonestClient a = honest(server, "honest-a");
    HonestClient b = honest(server, "honest-b");
    AttackCheck check = new AttackCheck(name, server, a, b);
    check.probe();
    return check;
  }

  /**
   * A new honest client registered on {@code server} as {@code name}, or under a new Ed25519 key
   * when the server checks them; the test closes it.
   */
  public static HonestClient honest(ForkedServer server, String name) throws Exception {
    return "ed25519".equals(server.setting("auth"))
        ? HonestClient.register(server.webSocketUri(), Ed25519Identity.generate(), name, PROBE_TIMEOUT)
        : HonestClient.register(server.webSocketUri(), name, PROBE_TIMEOUT);
  }

  /** The honest pair's first node. */
  public HonestClient honestA() {
    return a;
  }

  /** The honest pair's second node. */
  public HonestClient honestB() {
    return b;
  }

  /**
   * Health, a new upgrade from {@code 127.0.0.1}, and the honest pair's exchange.
   *
   * @throws AssertionError saying which failed
   */
  public void probe() throws Exception {
    probes++;
    Probes.Answer health = Probes.health(server.address(), PROBE_TIMEOUT);
    if (health.status() != 200) {
      throw failure("GET /health answered " + health.status() + ": " + health.text());
    }
    maxHealthMillis = Math.max(maxHealthMillis, health.millis());
    Probes.Answer upgrade = Probes.upgrade(server.address(), null, PROBE_TIMEOUT);
    if (upgrade.status() != 101) {
      throw failure("a new upgrade answered " + upgrade.status() + ": " + upgrade.text());
    }
    maxUpgradeMillis = Math.max(maxUpgradeMillis, upgrade.millis());
    long start = System.nanoTime();
    try {
      a.send("{\"type\":\"heartbeat\"}");
      String heartbeat = "{\"type\":\"heartbeat\",\"from\":\"" + a.nodeId() + "\"}";
      b.await(heartbeat::equals, PROBE_TIMEOUT);
      String there = signal(a.nodeId(), b.nodeId(), probes);
      a.send(there);
      b.await(there::equals, PROBE_TIMEOUT);
      String back = signal(b.nodeId(), a.nodeId(), probes);
      b.send(back);
      a.await(back::equals, PROBE_TIMEOUT);
    } catch (AssertionError e) {
      throw failure("the honest pair: " + e.getMessage());
    }
    maxExchangeMillis = Math.max(maxExchangeMillis, (System.nanoTime() - start) / 1_000_000);
  }

  private static String signal(String from, String to, int n) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":{\"n\":" + n + "}}";
  }

  /**
   * Probes over and over until {@code attackInPlace} holds, then once more.
   *
   * @throws AssertionError if a probe fails, or the attack is not in place within {@code timeout}
   */
  public void probeUntil(BooleanSupplier attackInPlace, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!attackInPlace.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw failure("the attack was not in place within " + timeout);
      }
      probe();
    }
    probe();
  }

  /** Reads the heap while the attack holds (for the report). */
  public void measureDuring() {
    heapDuring = server.heapUsed();
  }

  /**
   * After the attack: the server's connections return to the baseline, its heap to within {@link
   * #HEAP_MARGIN} of it, its log shows no {@link Error}, and a last probe passes.
   */
  public void recovered() throws Exception {
    int open = server.awaitConnections(baselineConnections, Duration.ofSeconds(20));
    if (open > baselineConnections) {
      throw failure(open + " connections still open, " + baselineConnections + " before the attack");
    }
    heapAfter = awaitHeapNearBaseline(Duration.ofSeconds(10));
    if (heapAfter > baselineHeap + HEAP_MARGIN) {
      throw failure("the heap did not return near its baseline");
    }
    noErrorLogged();
    probe();
    System.out.println(summary());
  }

  /**
   * The heap after a collection, read again until it is within {@link #HEAP_MARGIN} of the baseline
   * or {@code timeout} passed: a closed connection leaves the hub before its transport drops the
   * last references to its buffers, so the first reading after the close may still count them.
   */
  private long awaitHeapNearBaseline(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long heap = server.heapUsed();
    while (heap > baselineHeap + HEAP_MARGIN && System.nanoTime() < deadline) {
      heap = server.heapUsed();
    }
    return heap;
  }

  /** The server's log shows no {@link Error}. */
  public void noErrorLogged() {
    List<String> errors = server.loggedErrors();
    if (!errors.isEmpty()) {
      throw failure("the server logged errors: " + String.join("\n", errors.subList(0, Math.min(5, errors.size()))));
    }
  }

  private AssertionError failure(String what) {
    return new AssertionError(name + ": " + what + "\n" + summary()
        + (server.isAlive() ? "" : "\n(the server process exited)")
        + "\nthe server's log ends with:\n" + server.stderrTail(3000));
  }

  /** The figures: heap before, during and after, the slowest probe answers, the probes passed. */
  public String summary() {
    return String.format("ATTACK %s: heap baseline %.1f MiB, during %s, after %s; %d probes, slowest health %d ms,"
            + " upgrade %d ms, honest exchange %d ms",
        name, mib(baselineHeap), heapDuring < 0 ? "-" : String.format("%.1f MiB", mib(heapDuring)),
        heapAfter < 0 ? "-" : String.format("%.1f MiB", mib(heapAfter)), probes, maxHealthMillis,
        maxUpgradeMillis, maxExchangeMillis);
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  @Override
  public void close() {
    a.close();
    b.close();
  }
}
