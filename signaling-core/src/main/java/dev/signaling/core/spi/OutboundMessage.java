package dev.signaling.core.spi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One complete text message for the wire, already encoded as UTF-8. Immutable: one instance is
 * shared by every recipient of a broadcast, so it is encoded once however many connections send
 * it. A transport sends it as a single text frame.
 */
public final class OutboundMessage {

  private final byte[] utf8;

  private OutboundMessage(byte[] utf8) {
    this.utf8 = utf8;
  }

  /**
   * A message holding {@code text}, encoded once as UTF-8.
   *
   * @param text the message's text
   * @return a message holding {@code text}, encoded once as UTF-8
   */
  public static OutboundMessage ofText(String text) {
    return new OutboundMessage(Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A message holding these UTF-8 bytes, which the caller hands over and must never change
   * afterwards.
   *
   * @param utf8 the message's UTF-8 bytes
   * @return a message holding these UTF-8 bytes, which the caller hands over and must never change afterwards
   */
  public static OutboundMessage ofUtf8(byte[] utf8) {
    return new OutboundMessage(Objects.requireNonNull(utf8, "utf8"));
  }

  /**
   * The number of UTF-8 bytes of the message (the frame's payload length).
   *
   * @return the number of UTF-8 bytes of the message (the frame's payload length)
   */
  public int size() {
    return utf8.length;
  }

  /**
   * A read-only view of the UTF-8 bytes; each call returns an independent position.
   *
   * @return a read-only view of the UTF-8 bytes
   */
  public ByteBuffer payload() {
    return ByteBuffer.wrap(utf8).asReadOnlyBuffer();
  }

  /**
   * The message as text (decodes the bytes; meant for tests and in-memory transports).
   *
   * @return the message as text
   */
  public String text() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return text();
  }
}
