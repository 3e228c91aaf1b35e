package dev.signaling.core;

/** The root of the exceptions this library throws for its own failures. */
public class SignalingException extends RuntimeException {

  /**
   * Creates an exception with a message.
   *
   * @param message the message
   */
  public SignalingException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param cause the cause
   * @param message the message
   */
  public SignalingException(String message, Throwable cause) {
    super(message, cause);
  }
}
