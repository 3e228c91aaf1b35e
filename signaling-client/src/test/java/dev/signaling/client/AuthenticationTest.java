package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.client.ClientRecorder.Closed;
import dev.signaling.client.ClientRecorder.Registered;
import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.core.RegistrationAuthenticator;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the client proves, end to end through the server's {@link RegistrationAuthenticator}: the
 * shipped Ed25519 pair, any JSON {@code auth} object, and headers and query on the upgrade.
 */
class AuthenticationTest {

  private final BlockingQueue<RegistrationRequest> requests = new LinkedBlockingQueue<>();
  private final Loopback loopback = new Loopback();
  private SignalingServer server;

  @AfterEach
  void stop() {
    loopback.close();
  }

  private void start(RegistrationAuthenticator authenticator) {
    RegistrationAuthenticator recording = request -> {
      requests.add(request);
      return authenticator.authenticate(request);
    };
    server = loopback.start(SignalingConfig.builder().authenticator(recording).maxMessageBytes(1024).build());
  }

  private RegistrationRequest nextRequest() throws InterruptedException {
    RegistrationRequest request = requests.poll(Loopback.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(request).as("a register within %s", Loopback.TIMEOUT).isNotNull();
    return request;
  }

  private static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  @Test
  void theSignersProof_isAcceptedByTheServersEd25519Authenticator() throws Exception {
    start(Ed25519Authenticator.create());
    Ed25519Signer signer = Ed25519Signer.of(ed25519());
    ClientRecorder a = new ClientRecorder();

    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), signer.nodeId(), a).auth(signer));

    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isTrue();
    assertThat(nextRequest().auth()).containsOnlyKeys("timestamp", "signature");
    assertThat(server.participants()).extracting(dev.signaling.core.Participant::nodeId).containsExactly(signer.nodeId());
  }

  @Test
  void aProofWithAnotherKey_isRefusedAsUnauthorized_andNotRetried() throws Exception {
    start(Ed25519Authenticator.create());
    String claimed = Ed25519Signer.of(ed25519()).nodeId();
    Ed25519Signer wrongKey = Ed25519Signer.of(ed25519());
    ClientRecorder a = new ClientRecorder();

    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), claimed, a).auth(wrongKey));

    assertThat(a.await(RegisterRefusal.class)).isEqualTo(new RegisterRefusal("unauthorized", false));
    a.await(Closed.class);
    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isFalse();
    assertThat(server.participants()).isEmpty();
    assertThat(requests).hasSize(1);
  }

  @Test
  void theProofIsMadeAnewForEveryRegister_soAReconnectionIsNoReplay() throws Exception {
    start(Ed25519Authenticator.create());
    Ed25519Signer signer = Ed25519Signer.of(ed25519());
    AtomicInteger calls = new AtomicInteger();
    ClientRecorder a = new ClientRecorder();
    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), signer.nodeId(), a)
        .auth(nodeId -> {
          calls.incrementAndGet();
          return signer.authJson(nodeId);
        }));
    a.await(Registered.class);
    String firstSignature = nextRequest().auth().get("signature");

    assertThat(client.sendSignalString(signer.nodeId(), "x".repeat(2_000))).isTrue(); // 1009 from the server
    a.await(Disconnect.class);

    a.await(Registered.class);
    assertThat(nextRequest().auth().get("signature")).isNotEqualTo(firstSignature);
    assertThat(calls).hasValue(2);
    assertThat(a.all(RegisterRefusal.class)).isEmpty();
  }

  @Test
  void anyJsonObject_reachesACustomAuthenticator_asText() throws Exception {
    start(request -> "t0k3n".equals(request.auth().get("token")));
    ClientRecorder a = new ClientRecorder();

    SignalingClient client = loopback.connect(Loopback.builder(server.webSocketUri(), "a", a)
        .auth(nodeId -> "{\"token\":\"t0k3n\",\"n\":12.50,\"ok\":true,\"for\":\"" + nodeId + "\"}"));

    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isTrue();
    assertThat(nextRequest().auth()).isEqualTo(Map.of("token", "t0k3n", "n", "12.50", "ok", "true", "for", "a"));
  }

  @Test
  void headersAndQueryParameters_reachTheAuthenticator_withTheUpgrade() throws Exception {
    start(request -> "let-me-in".equals(request.connection().handshake().header("X-Api-Key")));
    ClientRecorder a = new ClientRecorder();

    SignalingClient client = loopback.connect(SignalingClient.builder(server.webSocketUri().resolve("/rooms/7"), "a", "alice")
        .listener(a)
        .header("X-Api-Key", "let-me-in")
        .header("X-Trace", "1")
        .header("X-Trace", "2")
        .queryParameter("token", "a b&c"));

    assertThat(client.awaitRegistered(Loopback.TIMEOUT)).isTrue();
    RegistrationRequest request = nextRequest();
    assertThat(request.connection().handshake().path()).isEqualTo("/rooms/7");
    assertThat(request.connection().handshake().query()).isEqualTo("token=a+b%26c");
    // Both values went out; Java-WebSocket's server joins repeated headers into one value.
    assertThat(String.join(", ", request.connection().handshake().headers().get("x-trace"))).containsSubsequence("1", "2");
  }

  @Test
  void withoutTheHeader_theSameServerRefuses() throws Exception {
    start(request -> "let-me-in".equals(request.connection().handshake().header("X-Api-Key")));
    ClientRecorder a = new ClientRecorder();

    loopback.connect(Loopback.builder(server.webSocketUri(), "a", a).header("X-Api-Key", "guess"));

    assertThat(a.await(RegisterRefusal.class).error()).isEqualTo("unauthorized");
  }

  @Test
  void anAuthSupplierThatFails_sendsNoRegister_andTheClientTriesAgain() throws Exception {
    start(request -> "ok".equals(request.auth().get("token")));
    AtomicInteger calls = new AtomicInteger();
    ClientRecorder a = new ClientRecorder();

    loopback.connect(Loopback.builder(server.webSocketUri(), "a", a).auth(nodeId -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("no token yet");
      }
      return calls.get() == 2 ? "[\"not an object\"]" : "{\"token\":\"ok\"}";
    }));

    List<Disconnect> failed = List.of(a.await(Disconnect.class), a.await(Disconnect.class));
    assertThat(failed).allSatisfy(d -> {
      assertThat(d.reason()).startsWith("no register sent: the auth supplier failed");
      assertThat(d.willReconnect()).isTrue();
    });
    a.await(Registered.class);
    assertThat(nextRequest().auth()).containsEntry("token", "ok");
    assertThat(requests).as("no register went out without its auth").isEmpty();
  }
}
