package dev.signaling.core;

import java.util.Map;
import java.util.Objects;

/**
 * A {@code register} as an {@link RegistrationAuthenticator} sees it, already validated.
 *
 * @param nodeId the nodeId to register
 * @param username the username
 * @param publicKey the public key, {@code ""} when the client sent none
 * @param auth the members of the register's optional {@code "auth"} object whose values are
 *     strings, numbers or booleans, as text (numbers exactly as written); empty when absent
 * @param connection the connection that sent it, with its handshake's path, query, headers and
 *     remote address
 */
public record RegistrationRequest(
    String nodeId, String username, String publicKey, Map<String, String> auth, ConnectionInfo connection) {

  /**
   * Copies the auth map.
   *
   * @param nodeId the nodeId to register
   * @param username the username
   * @param publicKey the public key, {@code ""} when the client sent none
   * @param auth the members of the register's optional {@code "auth"} object whose values are
   *     strings, numbers or booleans, as text (numbers exactly as written); empty when absent
   * @param connection the connection that sent it, with its handshake's path, query, headers and
   *     remote address
   */
  public RegistrationRequest {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(publicKey, "publicKey");
    auth = Map.copyOf(auth);
    Objects.requireNonNull(connection, "connection");
  }
}
