package dev.signaling.testkit.transport.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attacks on a server that checks Ed25519 proofs ({@code auth=ed25519}): signature checks as a
 * denial of service, and the replay memory as a way to lock others out.
 */
public abstract class Ed25519Attacks extends AttackGroup {

  /** This group of {@code attacks}. */
  protected Ed25519Attacks(TransportAttacks attacks) {
    super(attacks);
  }

  private static final String PARTICIPANTS = "{\"type\":\"participants\"";
  private static final String ERROR = "{\"type\":\"error\"";
  private static final String RATE_LIMITED = "{\"type\":\"error\",\"error\":\"rate limit exceeded\"}";
  private static final String UNAUTHORIZED = "{\"type\":\"error\",\"error\":\"unauthorized\"}";

  @Test
  void registersWithBadSignatures_neverDelayOthers_honestRegistersPass_idleClientsKeepTheirPings()
      throws Exception {
    int attackers = 110;
    int registersEach = 400; // 44,000 signature checks asked for; at ~2,000/s, 20 s of backlog
    int idleClients = 10;
    // A pong stuck for one to two intervals drops its client. Before issue 10 the flood's backlog
    // of checks held pongs back for tens of seconds; three seconds leave room for a busy machine.
    int pingsDuring = 2;
    try (ForkedServer server = fork(Map.of("auth", "ed25519", "pingInterval", "3s"));
        AttackCheck check = AttackCheck.begin("Ed25519 registers with bad signatures", server);
        Crowd crowd = Crowd.start(server.address())) {
      List<HonestClient> honest = new ArrayList<>();
      try {
        for (int i = 0; i < idleClients; i++) {
          honest.add(AttackCheck.honest(server, "idle-" + i));
        }
        List<HonestClient> idle = List.copyOf(honest);
        int[] pingsBefore = idle.stream().mapToInt(HonestClient::pings).toArray();
        byte[] upgrade = Frames.upgradeRequest();
        List<byte[]> garbage = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
          garbage.add(Frames.text(Ed25519Identity.generate().badlySignedRegister("flood")));
        }
        long all = garbage.stream().mapToLong(g -> upgrade.length + (long) g.length * registersEach).sum();
        // The attackers answer pings, as a real one would to stay connected and keep its registers coming.
        CrowdGroup flood = crowd.connectReadingAt(attackers, Crowd.loopback(2), 100_000_000)
            .watch(RATE_LIMITED)
            .send(upgrade)
            .sendEach(garbage::get, registersEach);
        long deadline = System.nanoTime() + ATTACK.toNanos();
        long slowestRegister = 0;
        int newcomers = 0;
        // Until the flood is all sent, and every idle client answered several pings meanwhile:
        // probe, and register a newcomer with a valid signature each round.
        while (flood.bytesSent() < all || flood.receivers(RATE_LIMITED) < attackers
            || fewestPingsSince(idle, pingsBefore) < pingsDuring) {
          assertThat(System.nanoTime()).as("the attack in place in time: %s", flood).isLessThan(deadline);
          check.probe();
          long start = System.nanoTime();
          honest.add(AttackCheck.honest(server, "newcomer-" + newcomers++));
          slowestRegister = Math.max(slowestRegister, (System.nanoTime() - start) / 1_000_000);
        }
        check.measureDuring();
        for (HonestClient client : honest) {
          assertThat(client.closeCode()).as("%s is still connected", client.nodeId()).isNull();
        }
        assertThat(server.closes()).as("nobody dropped for pongs left unanswered").doesNotContainKey(1006);
        ForkedServer.Metrics metrics = server.metrics();
        System.out.printf("ATTACK Ed25519 registers with bad signatures: %d checks failed, %d registers refused"
                + " before any check; %d newcomers registered during the flood, slowest %d ms; %d idle clients"
                + " answered %d+ pings each%n",
            metrics.errors("unauthorized"), metrics.errors("rate limit exceeded"), newcomers, slowestRegister,
            idleClients, fewestPingsSince(idle, pingsBefore));
        flood.close();
      } finally {
        honest.forEach(HonestClient::close);
      }
      check.recovered();
    }
  }

  private static int fewestPingsSince(List<HonestClient> clients, int[] before) {
    int fewest = Integer.MAX_VALUE;
    for (int i = 0; i < clients.size(); i++) {
      fewest = Math.min(fewest, clients.get(i).pings() - before[i]);
    }
    return fewest;
  }

  @Test
  void fillingTheReplayMemoryWithOwnValidRegisters_neverLocksOthersOut() throws Exception {
    // The memory is lowered from 100,000 nodeIds to 256, so that a few hundred registers fill it.
    int remembered = 256;
    int waves = 5;
    int wave = 60; // registered together: the lists each of them gets stay short
    try (ForkedServer server = fork(Map.of("auth", "ed25519", "ed25519Remembered", String.valueOf(remembered)));
        AttackCheck check = AttackCheck.begin("Ed25519 replay memory filled with valid registers", server);
        Crowd crowd = Crowd.start(server.address())) {
      int accepted = 0;
      String last = null;
      for (int w = 0; w < waves; w++) {
        List<String> registers = new ArrayList<>();
        for (int i = 0; i < wave; i++) {
          registers.add(Ed25519Identity.generate().register("filler"));
        }
        last = registers.get(wave - 1);
        CrowdGroup fillers = crowd.connect(wave, Crowd.loopback(2), true)
            .watch(PARTICIPANTS).watch(ERROR)
            .send(Frames.upgradeRequest())
            .sendEach(i -> Frames.text(registers.get(i)));
        check.probeUntil(() -> fillers.receivers(PARTICIPANTS) + fillers.receivers(ERROR) == wave, ATTACK);
        accepted += fillers.receivers(PARTICIPANTS);
        fillers.close();
        server.awaitConnections(2, ForkedServer.COMMAND); // the next wave fits under the per-address cap
      }
      assertThat(accepted).as("every valid register of the fillers is accepted").isEqualTo(waves * wave);
      long start = System.nanoTime();
      try (HonestClient fresh = AttackCheck.honest(server, "fresh")) {
        long millis = (System.nanoTime() - start) / 1_000_000;
        String replay = last;
        CrowdGroup replayer = crowd.connect(1, Crowd.loopback(2), true)
            .watch(UNAUTHORIZED)
            .send(Frames.upgradeRequest())
            .send(Frames.text(replay));
        check.probeUntil(() -> replayer.received(UNAUTHORIZED) == 1, ATTACK);
        System.out.printf("ATTACK Ed25519 replay memory filled: %d valid registers, then a fresh one accepted"
            + " in %d ms; a replay of the last refused%n", accepted, millis);
        replayer.close();
      }
      check.recovered();
    }
  }
}
