package dev.signaling.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * The buffers of frames a connection was sent and has not handed to its channel yet: joined in
 * order without copying, and released, with their byte count, when the connection is gone.
 */
final class FrameBuffers {

  private FrameBuffers() {}

  /** {@code first} then {@code second}, as one buffer; either may be null. */
  static ByteBuf join(ByteBufAllocator alloc, ByteBuf first, ByteBuf second) {
    if (first == null || second == null) {
      return first == null ? second : first;
    }
    // No component limit: a limit would copy the shared frames into one buffer once passed; the
    // core's send window bounds how many frames wait.
    CompositeByteBuf all = first instanceof CompositeByteBuf c ? c
        : alloc.compositeDirectBuffer(Integer.MAX_VALUE).addComponent(true, first);
    return all.addComponent(true, second);
  }

  /** Releases {@code buffer}, if any; returns the bytes it held. */
  static int release(ByteBuf buffer) {
    if (buffer == null) {
      return 0;
    }
    int bytes = buffer.readableBytes();
    buffer.release();
    return bytes;
  }
}
