package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The protocol's <em>Timeliness</em> paragraph: a lone join reaches the existing node at once (even
 * with a pacing interval of a minute, far beyond a client's ten-second wait), a register's own
 * answer opens no interval, and a join storm is still batched. Part of {@link SignalingContract}.
 */
public abstract class TimelinessTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected TimelinessTests(SignalingContract contract) {
    super(contract);
  }

  private static SignalingConfig interval(Duration interval) {
    return SignalingConfig.builder().membershipInterval(interval).build();
  }

  /** Registers {@code id} and checks its answer: every node known so far, then itself. */
  private static TestClient registered(TestServer server, String id, String... known) throws Exception {
    TestClient client = server.connect();
    client.send(register(id));
    List<String> ids = new ArrayList<>(List.of(known));
    ids.add(id);
    assertThat(client.next()).as("%s's answer", id).isEqualTo(participants(ids.toArray(String[]::new)));
    return client;
  }

  @Test
  void withDefaultSettings_aLoneJoinReachesTheExistingNode() throws Exception {
    TestServer server = server();
    TestClient a = registered(server, "a");
    registered(server, "b", "a");
    assertThat(a.next()).isEqualTo(presence("join", "b"));
    assertThat(a.next()).isEqualTo(participants("a", "b"));
  }

  @Test
  void withAMinuteInterval_aLoneJoinStillArrivesAtOnce_andAnAnswerOpensNoInterval() throws Exception {
    TestServer server = server(interval(Duration.ofMinutes(1)));
    TestClient a = registered(server, "a");
    TestClient b = registered(server, "b", "a");
    assertThat(a.next()).as("within the client's ten-second wait, not a minute").isEqualTo(presence("join", "b"));
    assertThat(a.next()).isEqualTo(participants("a", "b"));

    registered(server, "c", "a", "b");
    assertThat(b.next()).as("b's own answer was its only membership message so far").isEqualTo(presence("join", "c"));
    assertThat(b.next()).isEqualTo(participants("a", "b", "c"));
  }

  @Test
  void aJoinStorm_isStillBatched() throws Exception {
    TestServer server = server(interval(Duration.ofSeconds(2)));
    TestClient a = registered(server, "a");
    int n = 20;
    List<TestClient> storm = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      storm.add(server.connect());
    }
    for (int i = 0; i < n; i++) {
      storm.get(i).send(register("n" + i));
    }
    // The registers race on the server's threads: their order is whichever they were applied in,
    // and every join and the last list follow that one order.
    List<String> joined = new ArrayList<>(List.of("a"));
    int lists = 0;
    String message;
    do {
      message = a.next();
      if (message.startsWith("{\"type\":\"participants\"")) {
        lists++;
      } else {
        assertThat(message).startsWith("{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"n");
        joined.add(message.substring(message.indexOf("\"nodeId\":\"") + 10, message.indexOf("\",\"username\"")));
      }
    } while (joined.size() <= n || !message.startsWith("{\"type\":\"participants\""));
    assertThat(message).as("the last list: everyone, in the order of the joins")
        .isEqualTo(participants(joined.toArray(String[]::new)));
    assertThat(joined).hasSize(n + 1);
    // The first join goes at once; the others wait for the end of its two-second slot (a second
    // slot boundary only if the registers took seconds to arrive).
    assertThat(lists).as("batched: far fewer lists than joins").isLessThanOrEqualTo(3);
  }
}
