package dev.signaling.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of the server's control frames (close, ping, pong: FIN, unmasked, a payload of at most
 * 125 bytes). Every frame the server sends is written as bytes, like the data frames of {@link
 * SharedFrames}, so an upgraded connection needs no frame encoder in its pipeline: one pipeline
 * context (64 bytes) less that every idle connection would hold.
 */
final class ControlFrameBytes {

  private static final int CLOSE = 0x88;
  private static final int PING = 0x89;
  private static final int PONG = 0x8A;

  private ControlFrameBytes() {}

  /** A close frame with {@code code} and {@code reason} (its UTF-8 cut at the 123 bytes a close frame can carry). */
  static ByteBuf close(ByteBufAllocator alloc, int code, String reason) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    int length = Math.min(text.length, 123); // the server's reasons are short ASCII: nothing is cut
    return alloc.buffer(4 + length).writeByte(CLOSE).writeByte(2 + length).writeShort(code).writeBytes(text, 0, length);
  }

  /** A close frame without a code (the echo of a peer's close that had none). */
  static ByteBuf close(ByteBufAllocator alloc) {
    return alloc.buffer(2).writeByte(CLOSE).writeByte(0);
  }

  /** A ping carrying {@code payload}. */
  static ByteBuf ping(ByteBufAllocator alloc, long payload) {
    return alloc.buffer(2 + Long.BYTES).writeByte(PING).writeByte(Long.BYTES).writeLong(payload);
  }

  /** A pong echoing {@code payload} (at most 125 bytes, as the decoder checks a ping's); does not release it. */
  static ByteBuf pong(ByteBufAllocator alloc, ByteBuf payload) {
    int length = payload.readableBytes();
    return alloc.buffer(2 + length).writeByte(PONG).writeByte(length).writeBytes(payload, payload.readerIndex(), length);
  }
}
