package dev.signaling.client;

/**
 * What a {@code register} carries in its {@code auth} member, for a server whose {@code
 * RegistrationAuthenticator} asks for a proof: {@link Ed25519Signer} for the shipped {@code
 * Ed25519Authenticator}, or any JSON object a custom authenticator reads (a token, say).
 *
 * <p>The client calls it before <em>every</em> register, the first and each one after a
 * reconnection, so that timestamps and tokens are fresh. It runs on the client's event thread:
 * it must return quickly and must not block on the network (fetch tokens elsewhere and hand
 * the current one out here). If it throws or returns something that is not one JSON object, the
 * client sends no register on that connection: it closes it and follows the reconnect policy.
 */
@FunctionalInterface
public interface RegisterAuth {

  /**
   * The {@code auth} object for a register of {@code nodeId}.
   *
   * @param nodeId the nodeId the client registers as
   * @return the JSON text of one object, e.g. {@code {"token":"abc"}}; the server passes its
   *     string, number and boolean members to the authenticator as text
   */
  String authJson(String nodeId);
}
