package dev.signaling.client;

/**
 * The client's own failures: a registration that will not come because the client stopped (the
 * message says why, e.g. {@code register refused: unauthorized}).
 */
public class SignalingClientException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * An exception with this message.
   *
   * @param message what happened
   */
  public SignalingClientException(String message) {
    super(message);
  }
}
