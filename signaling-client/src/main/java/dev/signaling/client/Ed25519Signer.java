package dev.signaling.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The client half of the server's {@code Ed25519Authenticator}: proves that this client holds
 * the Ed25519 key its nodeId names. The nodeId is the raw public key in hex ({@link #nodeId()});
 * before every register the signer signs {@code "signaling-register:" + nodeId + ":" +
 * timestamp} and hands out {@code {"timestamp":<ms>,"signature":"<hex>"}}.
 *
 * <pre>{@code
 * Ed25519Signer signer = Ed25519Signer.of(keys);   // keys: an Ed25519 KeyPair of the JDK
 * SignalingClient client = SignalingClient.builder(uri, signer.nodeId(), "alice").auth(signer).connect();
 * }</pre>
 *
 * <p>The client cannot depend on the server's code, so the text signed is written here a second
 * time ({@link #challenge}); a test runs both against each other. Ed25519 signatures are
 * deterministic and the server refuses a signature it has seen, so the signer never uses one
 * timestamp twice: a register in the same millisecond as the previous one takes the next
 * millisecond. The server accepts timestamps within its skew (60 s by default) of its clock.
 * Thread-safe.
 */
public final class Ed25519Signer implements RegisterAuth {

  /** The prefix of the signed text, as the server's authenticator expects it. */
  public static final String CONTEXT = "signaling-register:";

  // DER prefix of an X.509 SubjectPublicKeyInfo holding a raw 32-byte Ed25519 key.
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final PrivateKey privateKey;
  private final String nodeId;
  private final Clock clock;
  private long lastTimestamp = Long.MIN_VALUE;

  private Ed25519Signer(KeyPair keys, Clock clock) {
    Objects.requireNonNull(keys, "keys");
    this.clock = Objects.requireNonNull(clock, "clock");
    byte[] spki = keys.getPublic().getEncoded();
    if (spki == null || spki.length != X509_PREFIX.length + 32
        || !Arrays.equals(spki, 0, X509_PREFIX.length, X509_PREFIX, 0, X509_PREFIX.length)) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + keys.getPublic().getAlgorithm());
    }
    this.nodeId = HexFormat.of().formatHex(spki, X509_PREFIX.length, spki.length);
    this.privateKey = keys.getPrivate();
    try {
      newSignature(); // fails now, not at the first register, for a key that cannot sign
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 private key: " + e.getMessage(), e);
    }
  }

  /**
   * A signer with {@code keys}, on the system clock.
   *
   * @param keys an Ed25519 key pair (e.g. {@code KeyPairGenerator.getInstance("Ed25519")})
   * @return the signer
   * @throws IllegalArgumentException if the keys are not Ed25519
   */
  public static Ed25519Signer of(KeyPair keys) {
    return new Ed25519Signer(keys, Clock.systemUTC());
  }

  /**
   * A signer with {@code keys} whose timestamps come from {@code clock}.
   *
   * @param keys an Ed25519 key pair
   * @param clock where the timestamps come from
   * @return the signer
   * @throws IllegalArgumentException if the keys are not Ed25519
   */
  public static Ed25519Signer of(KeyPair keys, Clock clock) {
    return new Ed25519Signer(keys, clock);
  }

  /**
   * The nodeId these keys prove: the raw 32-byte public key as 64 lower-case hex digits.
   *
   * @return the nodeId to register with
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * The text signed for a register of {@code nodeId} at {@code timestampMillis}.
   *
   * @param nodeId the nodeId
   * @param timestampMillis milliseconds since the epoch
   * @return {@code "signaling-register:" + nodeId + ":" + timestampMillis}
   */
  public static String challenge(String nodeId, long timestampMillis) {
    return CONTEXT + nodeId + ":" + timestampMillis;
  }

  /**
   * A fresh proof for a register of {@code nodeId}, which must be {@link #nodeId()} for the
   * server to accept it.
   *
   * @return {@code {"timestamp":<ms>,"signature":"<128 hex digits>"}}
   */
  @Override
  public String authJson(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    long timestamp = nextTimestamp();
    try {
      Signature signature = newSignature();
      signature.update(challenge(nodeId, timestamp).getBytes(StandardCharsets.UTF_8));
      return "{\"timestamp\":" + timestamp + ",\"signature\":\"" + HexFormat.of().formatHex(signature.sign()) + "\"}";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  private synchronized long nextTimestamp() {
    lastTimestamp = Math.max(clock.millis(), lastTimestamp + 1);
    return lastTimestamp;
  }

  private Signature newSignature() throws GeneralSecurityException {
    Signature signature = Signature.getInstance("Ed25519");
    signature.initSign(privateKey);
    return signature;
  }

  @Override
  public String toString() {
    return "Ed25519Signer[" + nodeId + ']';
  }
}
