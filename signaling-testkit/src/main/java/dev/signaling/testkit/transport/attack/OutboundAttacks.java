package dev.signaling.testkit.transport.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * Attacks through what the server sends: clients that never read what they are sent, and
 * messages that make the server send far more than they cost.
 */
public abstract class OutboundAttacks extends AttackGroup {

  /** This group of {@code attacks}. */
  protected OutboundAttacks(TransportAttacks attacks) {
    super(attacks);
  }

  private static final String PARTICIPANTS = "{\"type\":\"participants\"";
  private static final String ROLE_ASSIGN = "{\"type\":\"role-assign\"";
  private static final String RATE_LIMITED = "{\"type\":\"error\",\"error\":\"rate limit exceeded\"}";
  private static final String LEAVE = "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"";

  /** A signal from {@code nodeId} to itself, {@code bytes} long, of random text. */
  private static byte[] signalToItself(String nodeId, int bytes) {
    String head = "{\"type\":\"signal\",\"from\":\"" + nodeId + "\",\"to\":\"" + nodeId + "\",\"payload\":\"";
    byte[] random = new byte[(bytes - head.length() - 2) * 3 / 4];
    ThreadLocalRandom.current().nextBytes(random);
    return Frames.text(head + Base64.getEncoder().encodeToString(random) + "\"}");
  }

  @Test
  void clientsThatNeverRead_eachUnderItsOwnCap_areShedLargestFirstByTheServerWideBudget() throws Exception {
    // Each big one sends itself 7 MiB of signals and reads nothing: under its own cap (8 MiB),
    // 168 MiB in all, beyond the child's whole heap. The small ones hold 256 KiB each.
    int bigs = 24;
    int smalls = 8;
    int chunk = 256 * 1024;
    int bigChunks = 28;
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("clients that never read, each under its own cap", server);
        Crowd crowd = Crowd.start(server.address())) {
      byte[] upgrade = Frames.upgradeRequest();
      CrowdGroup small = crowd.connect(smalls, Crowd.loopback(3), false)
          .send(upgrade)
          .sendEach(i -> Frames.register("small-" + i))
          .sendEach(i -> signalToItself("small-" + i, chunk));
      CrowdGroup big = crowd.connect(bigs, Crowd.loopback(2), false)
          .send(upgrade)
          .sendEach(i -> Frames.register("big-" + i))
          .sendEach(i -> signalToItself("big-" + i, chunk), bigChunks);
      long each = (long) bigChunks * chunk; // at least: the upgrade and register come first
      check.probeUntil(() -> big.finished(each) == bigs && small.finished(chunk) == smalls, ATTACK);
      check.measureDuring();
      long shed = server.closes().getOrDefault(1008, 0L);
      assertThat(shed).as("the budget (a quarter of the heap) sheds some of the big ones").isPositive();
      // Every shed node leaves; the small ones are never among them.
      check.probeUntil(() -> check.honestB().received(m -> m.startsWith(LEAVE)).size() >= shed, ATTACK);
      List<String> left = check.honestB().received(m -> m.startsWith(LEAVE));
      assertThat(left).as("only the largest are shed").allMatch(m -> m.startsWith(LEAVE + "big-"));
      System.out.printf("ATTACK clients that never read: %d of %d big ones shed 1008, none of %d small ones%n",
          shed, bigs, smalls);
      big.close();
      small.close();
      check.recovered();
    }
  }

  @Test
  void roleAssignsThatFanOut_areChargedToTheirSender_aClientOnASlowLinkStays() throws Exception {
    // 64 roles of 256 characters, 19 every 20 ms: 950 a second, under the message rate (1,000/s).
    StringBuilder roles = new StringBuilder();
    for (int i = 0; i < 64; i++) {
      roles.append(i == 0 ? "" : ",").append('"').append(String.valueOf((char) ('a' + i % 26)).repeat(256)).append('"');
    }
    byte[] assign = Frames.text("{\"type\":\"role-assign\",\"nodeId\":\"amplifier\",\"roles\":[" + roles + "]}");
    byte[][] batch = new byte[19][];
    java.util.Arrays.fill(batch, assign);
    long linkBytesPerSecond = 2_000_000;
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("role-assign amplification", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup slow = crowd.connectReadingAt(1, Crowd.loopback(3), linkBytesPerSecond)
          .watch(PARTICIPANTS).watch(ROLE_ASSIGN)
          .send(Frames.upgradeRequest()).send(Frames.register("slow-link"));
      CrowdGroup amplifier = crowd.connect(1, Crowd.loopback(2), true)
          .watch(PARTICIPANTS).watch(RATE_LIMITED)
          .send(Frames.upgradeRequest()).send(Frames.register("amplifier"));
      check.probeUntil(() -> slow.receivers(PARTICIPANTS) == 1 && amplifier.receivers(PARTICIPANTS) == 1, ATTACK);
      ForkedServer.Metrics before = server.metrics();
      long start = System.nanoTime();
      long sentBefore = amplifier.bytesSent();
      long seconds = 4; // today the slow link's queue passes its 8 MiB cap within 2 s
      amplifier.sendEvery(Duration.ofMillis(20), Frames.concat(batch));
      check.probeUntil(() -> amplifier.bytesSent() - sentBefore >= seconds * 950 * assign.length, ATTACK);
      double elapsed = (System.nanoTime() - start) / 1e9;
      ForkedServer.Metrics after = server.metrics();
      amplifier.close();
      assertThat(slow.ended()).as("the client on a 2 MB/s link is never closed: %s", slow).isZero();
      assertThat(amplifier.received(RATE_LIMITED)).as("the amplifier is told").isPositive();
      long out = after.bytesOut() - before.bytesOut();
      // The fan-out limit: 1 MiB/s with bursts of 4 MiB, for everything the amplifier caused.
      assertThat(out).as("bytes the server sent").isLessThan((long) ((4 + elapsed + 1) * MIB));
      System.out.printf("ATTACK role-assign amplification: %.1f MB/s in, %.1f MB/s out for %.1f s;"
              + " the 2 MB/s link read %.2f MB/s (%d role-assigns), the amplifier got %d rate limit errors%n",
          (amplifier.bytesSent() - sentBefore) / elapsed / 1e6, out / elapsed / 1e6, elapsed,
          slow.bytesReceived() / elapsed / 1e6, slow.received(ROLE_ASSIGN), amplifier.received(RATE_LIMITED));
      slow.close();
      check.recovered();
    }
  }

  @Test
  void neverReadingClientThatSendsUnsolicitedPongs_isDroppedByLiveness() throws Exception {
    int attackers = 5;
    // The honest pair must answer each ping within one interval: a second, as in LivenessTests,
    // holds on a loaded machine where a cold test JVM once took longer than 300 ms.
    Duration ping = Duration.ofSeconds(1);
    try (ForkedServer server = fork(Map.of("pingInterval", ping.toMillis() + "ms"));
        AttackCheck check = AttackCheck.begin("never-reading clients sending unsolicited pongs", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup mute = crowd.connect(attackers, Crowd.loopback(2), false)
          .send(Frames.upgradeRequest())
          .sendEach(i -> Frames.register("mute-" + i))
          .sendEvery(Duration.ofMillis(100), Frames.frame(Frames.PONG, Frames.ascii("alive")));
      String leave = "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"mute-";
      // Twenty intervals: today they are never dropped, however long one waits.
      check.probeUntil(() -> check.honestB().received(m -> m.startsWith(leave)).size() == attackers,
          ping.multipliedBy(20));
      assertThat(server.closes()).as("dropped for pings left unanswered").containsEntry(1006, (long) attackers);
      mute.close();
      check.recovered();
    }
  }
}
