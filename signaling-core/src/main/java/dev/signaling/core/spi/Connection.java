package dev.signaling.core.spi;

import dev.signaling.core.HandshakeRequest;
import java.util.List;

/**
 * One client connection, as a transport presents it to the core. Implemented by transports.
 *
 * <p><b>States.</b> A connection is <em>open</em> when the transport hands it to {@link
 * dev.signaling.core.SignalingHub#open}; it becomes <em>closed</em> exactly once, by either side,
 * after which the transport calls {@link ConnectionHandler#onClose} exactly once. The core may
 * close a connection from within {@code open} itself (a hub that is shutting down does); the
 * transport then reports that close to the handler {@code open} returned.
 *
 * <p><b>Threading.</b> Every method may be called from any thread, concurrently, and none may
 * block the caller on the network.
 *
 * <p><b>Queueing.</b> The core bounds what it hands over: it keeps its own outgoing queue and
 * only calls {@link #send} while {@link #queuedBytes()} is below a small window, resuming on
 * {@link ConnectionHandler#onWritable()}. The transport therefore needs no limit of its own,
 * but must report {@link #queuedBytes()} truthfully: the core's slow-consumer limit relies on it.
 */
public interface Connection {

  /**
   * A short identifier for logs, unique among this transport's connections.
   *
   * @return a short identifier for logs, unique among this transport's connections
   */
  String id();

  /**
   * What the client's upgrade request said.
   *
   * @return what the client's upgrade request said
   */
  HandshakeRequest handshake();

  /**
   * Queues one text message for sending and returns at once. After the connection is closed the
   * message is silently dropped.
   *
   * @param message the message
   * @return {@code true} if the message was queued, {@code false} if it was dropped because the
   *     connection is closing or closed
   */
  boolean send(OutboundMessage message);

  /**
   * Queues several text messages, in order, exactly as {@link #send} would one by one; a transport
   * may write them with fewer frames of work (the core hands over what waited in its queue this
   * way). The default sends them one by one.
   *
   * @param messages the messages
   * @return {@code true} if the messages were queued, {@code false} if they were dropped because
   *     the connection is closing or closed
   */
  default boolean sendAll(List<OutboundMessage> messages) {
    boolean queued = true;
    for (OutboundMessage message : messages) {
      queued &= send(message);
    }
    return queued;
  }

  /**
   * Bytes handed to {@link #send} (payload plus frame header) that are not yet written to the
   * socket. Cheap, and safe to call from any thread.
   *
   * @return bytes handed to {@link #send} (payload plus frame header) that are not yet written to the socket
   */
  long queuedBytes();

  /**
   * Starts a graceful close: messages already queued are still sent, then a close frame with
   * this code and reason. Idempotent; later calls are ignored.
   *
   * @param code the close code
   * @param reason the close reason
   */
  void close(int code, String reason);

  /**
   * Closes at once, discarding whatever is still queued (used when the peer is not reading, so a
   * close frame behind the backlog would never arrive). Sends the close frame if the socket
   * accepts it without waiting, then closes the TCP connection. Idempotent.
   *
   * @param code the close code
   * @param reason the close reason
   */
  void abort(int code, String reason);
}
