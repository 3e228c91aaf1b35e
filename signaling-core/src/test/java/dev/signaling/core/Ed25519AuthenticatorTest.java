package dev.signaling.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replay protection per nodeId: the newest accepted timestamp, never a cache others can fill. */
class Ed25519AuthenticatorTest {

  private static final long NOW = 1_764_115_200_000L;

  private final Ed25519Authenticator authenticator = Ed25519Authenticator.create(
      Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), Duration.ofSeconds(30), 2);

  private record Node(String id, KeyPair keys) {}

  private static Node node() throws Exception {
    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = keys.getPublic().getEncoded();
    return new Node(HexFormat.of().formatHex(spki, spki.length - 32, spki.length), keys);
  }

  private static RegistrationRequest signed(Node node, long timestamp) throws Exception {
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(node.keys().getPrivate());
    signer.update(Ed25519Authenticator.challenge(node.id(), timestamp).getBytes(StandardCharsets.UTF_8));
    Map<String, String> auth = Map.of(
        "timestamp", Long.toString(timestamp), "signature", HexFormat.of().formatHex(signer.sign()));
    return new RegistrationRequest(node.id(), "u", "", auth,
        new ConnectionInfo("c", HandshakeRequest.none()));
  }

  @Test
  void aReplay_andAnOlderRegisterAfterANewer_areRefused_aNewerOneIsAccepted() throws Exception {
    Node a = node();
    RegistrationRequest first = signed(a, NOW - 10_000);
    assertThat(authenticator.authenticate(first)).isTrue();
    assertThat(authenticator.authenticate(first)).as("replayed").isFalse();
    assertThat(authenticator.authenticate(signed(a, NOW - 5_000))).as("newer").isTrue();
    assertThat(authenticator.authenticate(signed(a, NOW - 7_000))).as("older than the newest").isFalse();
  }

  @Test
  void moreNodeIdsThanTheCap_areNeverRefused_theOldestIsForgotten() throws Exception {
    Node a = node();
    RegistrationRequest fromA = signed(a, NOW - 1_000);
    assertThat(authenticator.authenticate(fromA)).isTrue();
    assertThat(authenticator.authenticate(signed(node(), NOW))).isTrue();
    assertThat(authenticator.authenticate(signed(node(), NOW))).as("a third nodeId over a cap of two").isTrue();
    assertThat(authenticator.authenticate(fromA)).as("a, remembered longest, was forgotten").isTrue();
  }
}
