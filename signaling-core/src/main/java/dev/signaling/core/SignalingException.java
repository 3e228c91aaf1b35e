package dev.signaling.core;

/** The root of the exceptions this library throws for its own failures. */
public class SignalingException extends RuntimeException {

  /** Creates an exception with a message. */
  public SignalingException(String message) {
    super(message);
  }

  /** Creates an exception with a message and a cause. */
  public SignalingException(String message, Throwable cause) {
    super(message, cause);
  }
}
