package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.signaling.core.Ed25519Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The signer on its own; {@code AuthenticationTest} runs it against the server's authenticator. */
class Ed25519SignerTest {

  private static KeyPair ed25519() throws Exception {
    return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
  }

  @Test
  void theSignedText_isTheServersChallenge() {
    assertThat(Ed25519Signer.CONTEXT).isEqualTo(Ed25519Authenticator.CONTEXT);
    assertThat(Ed25519Signer.challenge("ab12", 1_764_115_200_000L))
        .isEqualTo(Ed25519Authenticator.challenge("ab12", 1_764_115_200_000L));
  }

  @Test
  void theNodeId_isTheRawPublicKeyInHex_andTheSignatureVerifies() throws Exception {
    KeyPair keys = ed25519();
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_764_115_200_000L), ZoneOffset.UTC);
    Ed25519Signer signer = Ed25519Signer.of(keys, clock);

    byte[] spki = keys.getPublic().getEncoded();
    assertThat(signer.nodeId()).hasSize(64)
        .isEqualTo(HexFormat.of().formatHex(spki, spki.length - 32, spki.length));
    JsonObject auth = JsonParser.parseString(signer.authJson(signer.nodeId())).getAsJsonObject();
    assertThat(auth.keySet()).containsExactlyInAnyOrder("timestamp", "signature");
    assertThat(auth.get("timestamp").getAsLong()).isEqualTo(1_764_115_200_000L);
    Signature verifier = Signature.getInstance("Ed25519");
    verifier.initVerify(keys.getPublic());
    verifier.update(Ed25519Signer.challenge(signer.nodeId(), 1_764_115_200_000L).getBytes(StandardCharsets.UTF_8));
    assertThat(verifier.verify(HexFormat.of().parseHex(auth.get("signature").getAsString()))).isTrue();
  }

  @Test
  void twoRegistersInOneMillisecond_getTwoTimestamps_soTheServerSeesNoReplay() throws Exception {
    Clock stopped = Clock.fixed(Instant.ofEpochMilli(1_000), ZoneOffset.UTC);
    Ed25519Signer signer = Ed25519Signer.of(ed25519(), stopped);

    String first = signer.authJson(signer.nodeId());
    String second = signer.authJson(signer.nodeId());

    assertThat(JsonParser.parseString(first).getAsJsonObject().get("timestamp").getAsLong()).isEqualTo(1_000);
    assertThat(JsonParser.parseString(second).getAsJsonObject().get("timestamp").getAsLong()).isEqualTo(1_001);
    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void keysThatAreNotEd25519_areRefused() throws Exception {
    KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
    assertThatThrownBy(() -> Ed25519Signer.of(ec)).isInstanceOf(IllegalArgumentException.class);
    KeyPair mixed = new KeyPair(ed25519().getPublic(), ec.getPrivate());
    assertThatThrownBy(() -> Ed25519Signer.of(mixed)).isInstanceOf(IllegalArgumentException.class);
  }
}
