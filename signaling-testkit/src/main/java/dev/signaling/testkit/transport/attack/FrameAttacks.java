package dev.signaling.testkit.transport.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the frame reader: partial frames and fragments that would hold memory the attacker
 * never sent, or that never trip the message limit. Each is sized to exhaust {@link #HEAP} on a
 * transport that holds what a header announces or does not count fragments.
 */
public abstract class FrameAttacks extends AttackGroup {

  /** This group of {@code attacks}. */
  protected FrameAttacks(TransportAttacks attacks) {
    super(attacks);
  }

  @Test
  void headersOf1MiBFrames_thenStall_costOnlyTheBytesThatArrived() throws Exception {
    int attackers = 200; // today 1 MiB each as soon as the 14-byte header arrives: 200 MiB
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("14-byte headers of 1 MiB frames", server);
        Crowd crowd = Crowd.start(server.address())) {
      byte[] upgrade = Frames.upgradeRequest();
      byte[] header = Frames.header(Frames.TEXT, MIB);
      CrowdGroup stalled = crowd.connect(attackers, Crowd.loopback(2), true).send(upgrade).send(header);
      long all = (long) attackers * (upgrade.length + header.length);
      check.probeUntil(() -> stalled.upgraded() == attackers && stalled.bytesSent() == all, ATTACK);
      check.measureDuring();
      assertThat(stalled.ended()).as("the stalled senders are still connected: %s", stalled).isZero();
      stalled.close();
      check.recovered();
    }
  }

  @Test
  void fragmentedMessagesWithoutFin_areBoundedByTheServerWideBudget() throws Exception {
    int attackers = 150; // each a first fragment of 1 MiB - 1 KiB, never finished: 150 MiB today
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("fragmented 1 MiB messages without FIN", server);
        Crowd crowd = Crowd.start(server.address())) {
      byte[] upgrade = Frames.upgradeRequest();
      byte[] fragment = Frames.frame(Frames.TEXT_NOT_FIN, new byte[MIB - 1024]);
      CrowdGroup hoarders = crowd.connect(attackers, Crowd.loopback(2), true).send(upgrade).send(fragment);
      // In place once every hoarder has sent all it has, or was shed. A hoarder shed while its
      // upgrade answer was still queued never sees that answer: count bytes, not upgrades.
      long each = upgrade.length + fragment.length;
      check.probeUntil(() -> hoarders.bytesSent() + hoarders.ended() * each >= attackers * each, ATTACK);
      check.measureDuring();
      hoarders.close();
      check.recovered();
      assertThat(server.closes()).as("hoarders beyond the budget are closed with 1009").containsKey(1009);
    }
  }

  @Test
  void emptyContinuationFrames_trip1009LongBeforeTheyCostMemory() throws Exception {
    long frames = 2_000_000; // 12 MB on the wire per connection; about 70 bytes of heap each today
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("empty continuation frames", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup flooders = crowd.connect(2, Crowd.loopback(2), true)
          .send(Frames.upgradeRequest())
          .send(Frames.frame(Frames.TEXT_NOT_FIN, new byte[0]))
          .sendRepeated(Frames.frame(Frames.CONTINUATION, new byte[0]), frames);
      check.probeUntil(() -> flooders.ended() == 2, ATTACK);
      check.recovered();
      assertThat(server.closes()).containsEntry(1009, 2L);
    }
  }

  @Test
  void oneByteFragments_trip1009LongBeforeTheyCostMemory() throws Exception {
    long fragments = 1_000_000; // each message under 1 MiB; about 75 bytes of heap each today
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("1-byte fragments", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup flooders = crowd.connect(4, Crowd.loopback(2), true)
          .send(Frames.upgradeRequest())
          .send(Frames.frame(Frames.TEXT_NOT_FIN, new byte[] {'{'}))
          .sendRepeated(Frames.frame(Frames.CONTINUATION, new byte[] {' '}), fragments);
      check.probeUntil(() -> flooders.ended() == 4, ATTACK);
      check.recovered();
      assertThat(server.closes()).containsEntry(1009, 4L);
    }
  }
}
