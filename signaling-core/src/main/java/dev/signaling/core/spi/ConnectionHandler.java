package dev.signaling.core.spi;

import java.nio.ByteBuffer;

/**
 * The core's side of one connection, returned by {@link dev.signaling.core.SignalingHub#open}.
 * Implemented by the core, called by the transport.
 *
 * <p><b>Threading.</b> The transport must deliver {@link #onText} and {@link #onBinary} of one
 * connection one at a time, in the order they arrived (from any thread, but never concurrently
 * for the same connection). {@link #onWritable()} and {@link #onClose} may come from any thread
 * at any time. No method throws; none blocks on the network.
 */
public interface ConnectionHandler {

  /**
   * A complete text message arrived (already validated as UTF-8 by the transport).
   *
   * @param text the message's text
   */
  void onText(String text);

  /**
   * A complete binary message arrived. It is treated like text when it is valid UTF-8. The
   * handler reads the buffer before returning and never keeps it, so the transport may reuse it.
   *
   * @param data the data
   */
  void onBinary(ByteBuffer data);

  /**
   * The transport's queue for this connection has emptied, so the core may send more. Cheap when
   * nothing is waiting; transports may call it after every completed write.
   */
  void onWritable();

  /**
   * The connection is closed. Called exactly once, whoever closed it.
   *
   * @param code the close code (as sent or received; {@code 1006} for an abnormal close)
   * @param reason the close reason, possibly empty
   * @param remote whether the peer initiated the close
   */
  void onClose(int code, String reason, boolean remote);
}
