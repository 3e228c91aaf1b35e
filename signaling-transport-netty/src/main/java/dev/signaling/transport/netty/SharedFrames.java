package dev.signaling.transport.netty;

import dev.signaling.core.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns the core's messages into the bytes of server-to-client text frames (FIN, opcode text, no
 * mask), in direct memory, so that the socket writes them without a further copy.
 *
 * <p>A large message (a {@code participants} list, typically, sent to every node) is encoded
 * once, and every recipient's queue holds a reference to that one buffer, not a copy: the last few
 * large messages are remembered by identity, since the core hands the same {@link
 * OutboundMessage} instance to every recipient of a broadcast. A message that is no longer
 * remembered is simply encoded again: sharing saves memory and copies, correctness never depends
 * on it. Small messages are copied behind their header ({@link #write}, into the buffer of what a
 * connection sends next), which costs no more than a reference.
 *
 * <p>A remembered message is forgotten once a whole {@link #FORGET_PERIOD_MILLIS} passed without
 * a recipient asking for it ({@link #forgetUnused}): a broadcast is encoded for all its recipients
 * within a moment, while an idle server would otherwise keep the last eight large messages (eight
 * {@code participants} lists of every node, heap and direct memory that grows with the room) for
 * good.
 *
 * <p>Netty's own {@code WebSocket08FrameEncoder} is not used for these frames: it would encode
 * per recipient, and a heap payload would be copied to direct memory per recipient when queued.
 * Thread-safe.
 */
final class SharedFrames {

  /** Larger payloads are shared between recipients; smaller ones are copied. */
  static final int SHARE_ABOVE = 1024;
  /** How many large messages are remembered. */
  private static final int REMEMBERED = 8;
  /** How often {@link #forgetUnused} runs. */
  static final long FORGET_PERIOD_MILLIS = 1000;

  private final OutboundMessage[] keys = new OutboundMessage[REMEMBERED];
  private final ByteBuf[] frames = new ByteBuf[REMEMBERED];
  /** Whether each remembered frame was asked for since the last {@link #forgetUnused}. */
  private final boolean[] used = new boolean[REMEMBERED];
  private int next;
  private boolean closed;

  /** Whether {@code message} is shared between its recipients ({@link #shared}) rather than copied ({@link #write}). */
  static boolean isShared(OutboundMessage message) {
    return message.size() > SHARE_ABOVE;
  }

  /** Releases what is remembered; later large messages are encoded per recipient. */
  synchronized void close() {
    closed = true;
    for (int i = 0; i < REMEMBERED; i++) {
      forget(i);
    }
  }

  /** Releases every remembered frame that nobody asked for since the last call (called once per period). */
  synchronized void forgetUnused() {
    for (int i = 0; i < REMEMBERED; i++) {
      if (!used[i]) {
        forget(i);
      }
      used[i] = false;
    }
  }

  private void forget(int i) {
    if (frames[i] != null) {
      frames[i].release(); // recipients that still queue it keep their own references
      frames[i] = null;
      keys[i] = null;
    }
  }

  /**
   * The frame bytes of a large message, for one recipient (the caller owns the reference): the one
   * encoding every recipient shares while it is remembered.
   */
  ByteBuf shared(ByteBufAllocator alloc, OutboundMessage message) {
    synchronized (this) {
      for (int i = 0; i < REMEMBERED; i++) {
        if (keys[i] == message) {
          used[i] = true;
          return frames[i].retainedDuplicate();
        }
      }
    }
    ByteBuf frame = copied(alloc, message);
    synchronized (this) {
      if (!closed) {
        forget(next);
        keys[next] = message;
        used[next] = true;
        frames[next] = frame.retain();
        next = (next + 1) % REMEMBERED;
      }
    }
    return frame;
  }

  private static ByteBuf copied(ByteBufAllocator alloc, OutboundMessage message) {
    ByteBuf buffer = alloc.directBuffer(frameSize(message.size()));
    write(buffer, message);
    return buffer;
  }

  /** Appends the frame of {@code message} (header, then payload) to {@code buffer}. */
  static void write(ByteBuf buffer, OutboundMessage message) {
    putHeader(buffer, message.size());
    buffer.writeBytes(message.payload());
  }

  /** Header plus payload of a server frame with {@code size} payload bytes. */
  static int frameSize(int size) {
    return (size <= 125 ? 2 : size <= 0xFFFF ? 4 : 10) + size;
  }

  private static void putHeader(ByteBuf buffer, int size) {
    buffer.writeByte(0x81);
    if (size <= 125) {
      buffer.writeByte(size);
    } else if (size <= 0xFFFF) {
      buffer.writeByte(126).writeShort(size);
    } else {
      buffer.writeByte(127).writeLong(size);
    }
  }
}
