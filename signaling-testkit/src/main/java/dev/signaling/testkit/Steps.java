package dev.signaling.testkit;

import static dev.signaling.testkit.Messages.PROBE;
import static dev.signaling.testkit.Messages.UNKNOWN_TYPE;
import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;

/** Steps that protocol tests take again and again, with the checks that go with them. */
public final class Steps {

  private Steps() {}

  /**
   * Connects a client, registers it, and consumes what that sent it and each of {@code others}
   * (their {@code presence join}, then their participants).
   */
  public static TestClient joined(TestServer server, String nodeId, String username, TestClient... others)
      throws Exception {
    TestClient client = server.connect();
    client.send(register(nodeId, username));
    assertThat(client.next()).startsWith("{\"type\":\"participants\"");
    for (TestClient other : others) {
      assertThat(other.next()).isEqualTo(presence("join", nodeId, username));
      assertThat(other.next()).startsWith("{\"type\":\"participants\"");
    }
    return client;
  }

  /**
   * Asserts that nothing is waiting for this client: its {@link Messages#PROBE} is answered first.
   * To prove that something was <em>not</em> sent, a test uses this as a barrier: anything the
   * server had queued for the client before would arrive ahead of the answer.
   */
  public static void assertNothingPending(TestClient client) {
    client.send(PROBE);
    assertThat(client.next()).as("next message for %s after a probe", client).isEqualTo(UNKNOWN_TYPE);
  }

  /**
   * Under {@code REPLACE}: {@code newer} registers node {@code a} as {@code alice2} while {@code
   * older} holds it as {@code alice} and {@code bob} (node {@code b}) is the only other node.
   * Asserts that {@code older} hears it was replaced and is closed {@code 4001}, that {@code bob}
   * hears a join and no leave, and that both get the new list.
   */
  public static void assertReplacesAlice(TestClient older, TestClient bob, TestClient newer) {
    newer.send(register("a", "alice2"));
    assertThat(older.next()).isEqualTo(error("replaced by a newer registration"));
    assertThat(older.awaitClose()).isEqualTo(new TestClient.CloseStatus(4001, "replaced"));
    assertThat(bob.next()).as("no leave for the replaced connection").isEqualTo(presence("join", "a", "alice2"));
    assertThat(bob.next()).isEqualTo(participants("a:alice2", "b:bob"));
    assertThat(newer.next()).isEqualTo(participants("a:alice2", "b:bob"));
  }

  /** The next message that is not a heartbeat. */
  public static String skipHeartbeats(TestClient client) {
    String m = client.next();
    while (m.startsWith("{\"type\":\"heartbeat\"")) {
      m = client.next();
    }
    return m;
  }
}
