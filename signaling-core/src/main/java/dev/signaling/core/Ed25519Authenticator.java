package dev.signaling.core;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Proof of possession of the Ed25519 key that a nodeId names: for P2P applications whose nodeId
 * is the node's Ed25519 public key in hex (64 hex digits). Needs no other server.
 *
 * <p>The register carries an {@code auth} object with the current time and a signature:
 *
 * <pre>{@code
 * {"type":"register","nodeId":"<64 hex digits>","username":"alice",
 *  "auth":{"timestamp":1764115200000,"signature":"<128 hex digits>"}}
 * }</pre>
 *
 * <p>{@code timestamp} is milliseconds since the epoch; {@code signature} is the Ed25519
 * signature, in hex, of the UTF-8 bytes of {@code "signaling-register:" + nodeId + ":" +
 * timestamp} (see {@link #challenge}). A register is refused when the nodeId is not a valid
 * public key, the signature does not verify, the timestamp is further than the allowed skew from
 * the server's clock, or it is not newer than the last accepted register of the same nodeId (a
 * replay, or an older register overtaking a newer one).
 *
 * <p>Replay protection keeps, per nodeId, the timestamp of its newest accepted register, and only
 * while that is within the skew window (an older one fails the clock check anyway). At most
 * {@code maxRemembered} nodeIds are kept; beyond that the one remembered longest is forgotten
 * first, so no one can fill the memory to have others' registers refused (a forgotten nodeId's
 * last register could then be replayed within its window, by whoever captured it).
 */
public final class Ed25519Authenticator implements RegistrationAuthenticator {

  /** The prefix of the signed text, so a signature made for this purpose is useless elsewhere. */
  public static final String CONTEXT = "signaling-register:";

  // DER prefix of an X.509 SubjectPublicKeyInfo holding a raw 32-byte Ed25519 key.
  private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

  private final Clock clock;
  private final long skewMillis;
  private final int maxRemembered;
  /** nodeId → timestamp of its newest accepted register, oldest acceptance first; guarded by itself. */
  private final LinkedHashMap<String, Long> newest = new LinkedHashMap<>();

  private Ed25519Authenticator(Clock clock, Duration skew, int maxRemembered) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (skew.isNegative() || skew.isZero()) {
      throw new IllegalArgumentException("skew must be > 0: " + skew);
    }
    if (maxRemembered <= 0) {
      throw new IllegalArgumentException("maxRemembered must be > 0: " + maxRemembered);
    }
    this.skewMillis = skew.toMillis();
    this.maxRemembered = maxRemembered;
  }

  /**
   * An authenticator on the system clock accepting timestamps within 60 s of it.
   *
   * @return an authenticator on the system clock accepting timestamps within 60 s of it
   */
  public static Ed25519Authenticator create() {
    return create(Clock.systemUTC(), Duration.ofSeconds(60), 100_000);
  }

  /**
   * An authenticator with an explicit clock, allowed skew, and cap on remembered nodeIds.
   *
   * @param clock the clock
   * @param skew the most the timestamp may differ from the clock
   * @param maxRemembered the most nodeIds whose newest accepted timestamp is remembered
   * @return an authenticator with an explicit clock, allowed skew, and cap on remembered nodeIds
   */
  public static Ed25519Authenticator create(Clock clock, Duration skew, int maxRemembered) {
    return new Ed25519Authenticator(clock, skew, maxRemembered);
  }

  /**
   * The text a client signs for a register of {@code nodeId} at {@code timestampMillis}.
   *
   * @param nodeId the node's id
   * @param timestampMillis the timestamp, in milliseconds since the Unix epoch
   * @return the text a client signs for a register of {@code nodeId} at {@code timestampMillis}
   */
  public static String challenge(String nodeId, long timestampMillis) {
    return CONTEXT + nodeId + ":" + timestampMillis;
  }

  @Override
  public boolean authenticate(RegistrationRequest request) {
    String timestampText = request.auth().get("timestamp");
    String signatureHex = request.auth().get("signature");
    if (timestampText == null || signatureHex == null) {
      return false;
    }
    long timestamp;
    byte[] signature;
    PublicKey key;
    try {
      timestamp = Long.parseLong(timestampText);
      signature = HexFormat.of().parseHex(signatureHex);
      key = publicKey(request.nodeId());
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
    long now = clock.millis();
    if (Math.abs(now - timestamp) > skewMillis || !verifies(key, challenge(request.nodeId(), timestamp), signature)) {
      return false;
    }
    return acceptNewer(request.nodeId().toLowerCase(Locale.ROOT), timestamp, now);
  }

  private static PublicKey publicKey(String nodeId) throws GeneralSecurityException {
    byte[] raw = HexFormat.of().parseHex(nodeId);
    if (raw.length != 32) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes");
    }
    byte[] der = new byte[X509_PREFIX.length + 32];
    System.arraycopy(X509_PREFIX, 0, der, 0, X509_PREFIX.length);
    System.arraycopy(raw, 0, der, X509_PREFIX.length, 32);
    return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
  }

  private static boolean verifies(PublicKey key, String text, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("Ed25519");
      verifier.initVerify(key);
      verifier.update(text.getBytes(StandardCharsets.UTF_8));
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Records a register's timestamp; false if it is not newer than the nodeId's last one. */
  private boolean acceptNewer(String nodeId, long timestamp, long now) {
    synchronized (newest) {
      Long last = newest.get(nodeId);
      if (last != null && timestamp <= last) {
        return false;
      }
      newest.remove(nodeId); // re-inserted last: the map stays in order of acceptance
      newest.put(nodeId, timestamp);
      // Oldest acceptances first: forget those out of the window, then any over the cap.
      Iterator<Map.Entry<String, Long>> it = newest.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Long> e = it.next();
        if (newest.size() > maxRemembered || now - e.getValue() > skewMillis) {
          it.remove();
        } else {
          break; // the rest is pruned later; the cap bounds it meanwhile
        }
      }
      return true;
    }
  }
}
