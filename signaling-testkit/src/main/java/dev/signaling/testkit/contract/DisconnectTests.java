package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.presence;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.RecordingListener;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import org.junit.jupiter.api.Test;

/** A connection that ends, and the hub that closes: who hears of it, and who never does. Part of {@link SignalingContract}. */
public abstract class DisconnectTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected DisconnectTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void ofRegisteredNode_sendsLeaveThenParticipants() throws Exception {
    RecordingListener listener = new RecordingListener();
    TestServer server = server(SignalingConfig.defaults(), listener);
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    b.close();
    assertThat(a.next()).isEqualTo(presence("leave", "b", "bob"));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    listener.await("left b");
    assertThat(listener.events("joined", "left")).containsExactly("joined a", "joined b", "left b");
  }

  @Test
  void ofUnregisteredConnection_isSilent() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient anonymous = server.connect();
    anonymous.close();
    anonymous.awaitClose();
    assertNothingPending(a);
  }

  @Test
  void ofReplacedConnection_neverRemovesTheNewOwner() throws Exception {
    TestServer server = server();
    TestClient a1 = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a1);
    TestClient a2 = server.connect();
    a2.send(register("a", "alice"));
    a2.next();
    b.next();
    b.next();
    a1.close();
    a1.awaitClose();
    assertNothingPending(b);
    assertThat(server.hub().participants()).extracting(Participant::nodeId).containsExactly("a", "b");
    b.send(signal("b", "a", "\"still here\""));
    assertThat(a2.next()).isEqualTo(signal("b", "a", "\"still here\""));
  }

  @Test
  void closingTheHub_closesEveryClientWith1001() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient anonymous = server.connect();
    server.hub().close();
    server.hub().close();
    assertThat(a.awaitClose()).isEqualTo(new TestClient.CloseStatus(1001, "server shutting down"));
    assertThat(anonymous.awaitClose().code()).isEqualTo(1001);
    assertThat(server.hub().isClosed()).isTrue();
  }
}
