package dev.signaling.testkit.transport.attack;

import dev.signaling.core.Ed25519Authenticator;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.HexFormat;

/**
 * A node's Ed25519 key and the registers it signs, for servers run with {@code auth=ed25519}
 * ({@link Ed25519Authenticator}): the nodeId is the raw public key in hex, and each register
 * carries a fresh timestamp and its signature. A test's own signer (the kit cannot depend on
 * {@code signaling-client}, whose tests use the kit), written from the protocol's text.
 */
public final class Ed25519Identity {

  private final KeyPair keys;
  private final String nodeId;
  private long lastTimestamp;

  private Ed25519Identity(KeyPair keys) {
    this.keys = keys;
    byte[] spki = keys.getPublic().getEncoded(); // X.509: a fixed prefix, then the 32 raw bytes
    this.nodeId = HexFormat.of().formatHex(spki, spki.length - 32, spki.length);
  }

  /** A new key pair. */
  public static Ed25519Identity generate() {
    try {
      return new Ed25519Identity(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no Ed25519", e);
    }
  }

  /** The nodeId this key proves: the public key in hex. */
  public String nodeId() {
    return nodeId;
  }

  /**
   * A register of {@link #nodeId()} signed now; never the same timestamp twice (the server
   * refuses a timestamp that is not newer than the last it accepted).
   */
  public synchronized String register(String username) {
    lastTimestamp = Math.max(System.currentTimeMillis(), lastTimestamp + 1);
    return register(username, lastTimestamp, sign(lastTimestamp));
  }

  /**
   * A register that says it was signed now, with a well-formed signature of this key over
   * another text: the server's check runs in full (a signature that is not even well-formed
   * may be refused before the expensive part), then fails.
   */
  public String badlySignedRegister(String username) {
    long now = System.currentTimeMillis();
    return register(username, now, sign(now + 1));
  }

  private String sign(long timestamp) {
    try {
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(keys.getPrivate());
      signer.update(Ed25519Authenticator.challenge(nodeId, timestamp).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  private String register(String username, long timestamp, String signature) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + username + "\","
        + "\"auth\":{\"timestamp\":" + timestamp + ",\"signature\":\"" + signature + "\"}}";
  }
}
