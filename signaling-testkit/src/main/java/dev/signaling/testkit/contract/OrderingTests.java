package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.Participant;
import dev.signaling.testkit.Churn;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.Waits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The global order: concurrent joins and leaves end in one membership every client agrees on. Part of {@link SignalingContract}. */
public abstract class OrderingTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected OrderingTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void underConcurrentJoinsAndLeaves_everyClientsLastParticipantsIsTheFinalMembership() throws Exception {
    TestServer server = server();
    List<TestClient> survivors = Churn.joinAndLeave(List.of(server), 8, 12);
    // Closes are asynchronous over sockets: wait until the hub has seen them all.
    Waits.until("every close is seen", () -> server.hub().participants().size() == survivors.size());
    List<String> finalMembership = server.hub().participants().stream().map(Participant::nodeId).toList();
    assertThat(finalMembership).hasSize(survivors.size());
    Churn.assertLastParticipantsOfEach(survivors, finalMembership);
  }

  @Test
  void participantsSnapshotIsReadableAndImmutable() throws Exception {
    TestServer server = server();
    joined(server, "a", "alice");
    List<Participant> snapshot = server.hub().participants();
    joined(server, "b", "bob");
    assertThat(snapshot).extracting(Participant::nodeId).containsExactly("a");
    assertThat(server.hub().participants()).extracting(Participant::nodeId).containsExactly("a", "b");
    assertThatThrownBy(() -> snapshot.add(null))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
