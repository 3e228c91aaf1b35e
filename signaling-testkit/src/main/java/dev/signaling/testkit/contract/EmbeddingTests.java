package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.PROBE;
import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.core.Participant;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.FakeTicker;
import dev.signaling.testkit.RecordingListener;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What the embedding application sees and decides: listener events, metrics, authenticators. Part of {@link SignalingContract}. */
public abstract class EmbeddingTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected EmbeddingTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void listenerSeesEveryKindOfEvent() throws Exception {
    RecordingListener listener = new RecordingListener();
    FakeTicker ticker = new FakeTicker();
    TestServer server = server(SignalingConfig.builder().rateLimit(8, 8).ticker(ticker).build(), listener);
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    a.send("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"relay\"]}");
    a.next();
    b.next();
    a.send(signal("a", "b", "1"));
    b.next();
    a.send(signal("a", "nobody", "1"));
    a.next();
    for (int i = 0; i < 8; i++) {
      a.send(PROBE);
    }
    // Each connection is handled on its own thread: let a's events happen before b leaves.
    listener.await("refused peer not found");
    listener.await("rate-limited");
    b.close();
    listener.await("closed 1000 by client");
    listener.await("left b");
    assertThat(listener.events()).containsSubsequence(
        "opened", "joined a", "opened", "joined b", "roles a b [relay]", "relayed a b",
        "refused peer not found", "rate-limited", "left b");
    assertThat(listener.events("opened")).hasSize(2);
  }

  @Test
  void metricsCountMessagesErrorsAndCloses() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    a.send(signal("a", "b", "\"hello\""));
    b.next();
    a.send(signal("a", "nobody", "1"));
    a.next();
    a.send("not json");
    a.next();
    var m = server.hub().metrics();
    assertThat(m.connectionsOpen()).isEqualTo(2);
    assertThat(m.nodesRegistered()).isEqualTo(2);
    assertThat(m.messagesIn()).containsEntry("register", 2L).containsEntry("signal", 2L).containsEntry("invalid", 1L);
    assertThat(m.messagesOut()).containsEntry("signal", 1L).containsEntry("presence", 1L)
        .containsEntry("participants", 3L).containsEntry("error", 2L);
    assertThat(m.errors()).containsEntry("peer not found", 1L).containsEntry("invalid JSON", 1L);
    assertThat(m.signalsRefused()).isEqualTo(1);
    String forwarded = signal("a", "b", "\"hello\"");
    assertThat(m.bytesIn()).isGreaterThanOrEqualTo(forwarded.length());
    assertThat(m.bytesOut()).isGreaterThanOrEqualTo(forwarded.length());
    b.close();
    a.next();
    a.next();
    assertThat(server.hub().metrics().closes()).containsEntry(1000, 1L);
    assertThat(server.hub().metrics().connectionsOpen()).isEqualTo(1);
  }

  @Test
  void authenticatorRefusesWithUnauthorized_andTheConnectionStaysUsable() throws Exception {
    List<RegistrationRequest> seen = new CopyOnWriteArrayList<>();
    TestServer server = server(SignalingConfig.builder().authenticator(request -> {
      seen.add(request);
      return request.nodeId().equals("z") || "open sesame".equals(request.auth().get("password"));
    }).build());
    TestClient other = joined(server, "z", "zed");
    TestClient a = server.connect();
    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"publicKey\":\"pk\","
        + "\"auth\":{\"password\":\"wrong\",\"timestamp\":1.50E+3,\"nested\":{\"x\":1}}}");
    assertThat(a.next()).isEqualTo(error("unauthorized"));
    assertNothingPending(other);
    assertThat(server.hub().participants()).extracting(Participant::nodeId).containsExactly("z");
    RegistrationRequest refused = seen.get(seen.size() - 1);
    assertThat(refused.nodeId()).isEqualTo("a");
    assertThat(refused.publicKey()).isEqualTo("pk");
    assertThat(refused.auth()).containsOnly(
        Map.entry("password", "wrong"), Map.entry("timestamp", "1.50E+3"));
    assertThat(refused.connection().handshake()).isNotNull();

    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"auth\":{\"password\":\"open sesame\"}}");
    assertThat(a.next()).isEqualTo(participants("z:zed", "a:alice"));
  }

  @Test
  void ed25519ProofOfPossession_acceptsAFreshSignature_refusesStaleForgedAndReplayed() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = keys.getPublic().getEncoded();
    String nodeId = HexFormat.of().formatHex(spki, spki.length - 32, spki.length);
    long now = 1_764_115_200_000L;
    Clock clock = Clock.fixed(Instant.ofEpochMilli(now), ZoneOffset.UTC);
    TestServer server = server(SignalingConfig.builder()
        .authenticator(Ed25519Authenticator.create(clock, Duration.ofSeconds(30), 1000))
        .build());
    TestClient a = server.connect();

    a.send(register(nodeId, "alice"));
    assertThat(a.next()).as("no proof").isEqualTo(error("unauthorized"));
    a.send(signedRegister(nodeId, keys, now - 31_000));
    assertThat(a.next()).as("stale").isEqualTo(error("unauthorized"));
    KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    a.send(signedRegister(nodeId, other, now));
    assertThat(a.next()).as("signed by another key").isEqualTo(error("unauthorized"));
    a.send(signedRegister("not-hex", keys, now));
    assertThat(a.next()).as("nodeId is no key").isEqualTo(error("unauthorized"));

    String fresh = signedRegister(nodeId, keys, now - 5_000);
    a.send(fresh);
    assertThat(a.next()).isEqualTo(participants(nodeId + ":alice"));
    TestClient thief = server.connect();
    thief.send(fresh);
    assertThat(thief.next()).as("replayed").isEqualTo(error("unauthorized"));
    assertNothingPending(a);
  }

  private static String signedRegister(String nodeId, KeyPair keys, long timestamp) throws Exception {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update(Ed25519Authenticator.challenge(nodeId, timestamp).getBytes(StandardCharsets.UTF_8));
    String signature = HexFormat.of().formatHex(signer.sign());
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"alice\","
        + "\"auth\":{\"timestamp\":" + timestamp + ",\"signature\":\"" + signature + "\"}}";
  }
}
