package dev.signaling.core;

/**
 * Decides whether a {@code register} is allowed, for example by checking a proof that the client
 * holds the key its nodeId names. A refused register is answered with {@code error
 * "unauthorized"}, stores nothing, and leaves the connection open for a correct register.
 *
 * <p>Called on the transport thread that received the register, before the hub takes its state
 * lock, so it may take a little time (a signature check) but must not block on the network. An
 * exception thrown here counts as a refusal. The default, {@link #ALLOW_ALL}, accepts every
 * register, as the reference server did.
 */
@FunctionalInterface
public interface RegistrationAuthenticator {

  /** Accepts every register. */
  RegistrationAuthenticator ALLOW_ALL = request -> true;

  /**
   * Whether this register is allowed.
   *
   * @param request the request
   * @return whether this register is allowed
   */
  boolean authenticate(RegistrationRequest request);
}
