package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.InboundBudget;
import java.nio.ByteBuffer;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.exceptions.LimitExceededException;

/**
 * Cuts the received byte stream of one connection into whole frames before Java-WebSocket sees
 * them. The library allocates a buffer of the size a frame header announces as soon as the header
 * arrives (so a 14-byte header holds 1 MiB); here a frame that has not all arrived is kept in a
 * buffer that grows with what arrives (at most twice what arrived), reserved in the server-wide
 * {@link InboundBudget}, and the library gets only complete frames.
 *
 * <p>Every header is checked as soon as it is complete, before anything of its payload is kept:
 * the mask bit (a client's frames are masked, RFC 6455 §5.1: {@code 1002}), the opcode, the
 * length of a control frame (at most 125: {@code 1002}), and the message size: a frame over {@code
 * maxMessageBytes} closes with {@code 1009}, and so does a fragmented message whose fragments,
 * each counted with {@link InboundBudget#FRAGMENT_OVERHEAD_BYTES}, pass it.
 *
 * <p>Only the connection's decoder thread calls it.
 */
final class FrameReader extends HeldBytes {

  /** The reason of every {@code 1009} for size: the text Java-WebSocket itself uses. */
  static final String TOO_BIG = InboundBudget.TOO_BIG_REASON;

  /** The longest header: 2 bytes, 8 of extended length, 4 of mask. */
  private static final int MAX_HEADER = 14;

  /** The frame being received, from its first byte, or null between frames. */
  private ByteBuffer partial;
  /** The length of that frame in all, once its header is complete; -1 before. */
  private long partialTotal = -1;

  /** Whether a fragmented message is under way, and what it counts against the size limit. */
  private boolean fragmented;
  private long messageCharge;

  /** @param account where the partial frame's buffer (its capacity) is reserved */
  FrameReader(InboundAccount account, int maxMessageBytes) {
    super(account, maxMessageBytes);
  }

  /** Whether a frame has begun to arrive and is not complete yet. */
  boolean hasPartial() {
    return partial != null;
  }

  /**
   * Adds bytes from {@code in} to the partial frame, at most up to its end.
   *
   * @return the whole frame (position 0) once complete, or null when {@code in} ran out first
   */
  ByteBuffer continuePartial(ByteBuffer in) throws InvalidDataException {
    while (in.hasRemaining()) {
      if (partialTotal < 0) {
        append(in, 1); // the header, byte by byte: at most 13 more
        partialTotal = frameLength(partial, 0, partial.position());
        continue;
      }
      long missing = partialTotal - partial.position();
      if (missing == 0) {
        break;
      }
      append(in, (int) Math.min(missing, in.remaining()));
    }
    if (partialTotal < 0 || partial.position() < partialTotal) {
      return null;
    }
    ByteBuffer frame = partial.flip();
    partial = null;
    partialTotal = -1;
    return frame;
  }

  /** Gives back the budget of the frame {@link #continuePartial} completed (the library copied it). */
  void releaseCompleted() {
    releaseAll();
  }

  /**
   * Checks the headers of the frames in {@code in} from its position and keeps an incomplete last
   * frame as the partial one; {@code in} is consumed.
   *
   * @return the index in {@code in} just past the last complete frame
   */
  int scan(ByteBuffer in) throws InvalidDataException {
    int position = in.position();
    int limit = in.limit();
    long length = -1;
    while (position < limit) {
      length = frameLength(in, position, limit);
      if (length < 0 || length > limit - position) {
        break;
      }
      position += (int) length;
      length = -1;
    }
    if (position < limit) {
      // Begins a partial frame with what arrived of it; its header may be incomplete yet.
      int rest = limit - position;
      partialTotal = length;
      long capacity = partialTotal < 0 ? MAX_HEADER : Math.min(partialTotal, Math.max(2L * rest, 256));
      partial = ByteBuffer.allocate(reserveInt(capacity));
      partial.put(in.duplicate().position(position).limit(limit));
    }
    int end = position;
    in.position(limit);
    return end;
  }

  /**
   * Forgets the partial frame and gives back its budget (the connection is closing, or failed).
   * The message-size count is kept: nothing more is read on this connection anyway.
   */
  void drop() {
    partial = null;
    partialTotal = -1;
    releaseAll();
  }

  private void append(ByteBuffer in, int n) throws LimitExceededException {
    if (partial.remaining() < n) {
      long needed = partial.position() + (long) n;
      long bound = partialTotal < 0 ? MAX_HEADER : partialTotal;
      long capacity = Math.min(bound, Math.max(needed, 2L * partial.capacity()));
      ByteBuffer grown = ByteBuffer.allocate(reserveInt(capacity - partial.capacity()) + partial.capacity());
      grown.put(partial.flip());
      partial = grown;
    }
    int limit = in.limit();
    in.limit(in.position() + n);
    partial.put(in);
    in.limit(limit);
  }

  /** Reserves {@code bytes} more; returns them as an int. */
  private int reserveInt(long bytes) throws LimitExceededException {
    reserve(bytes);
    return (int) bytes;
  }

  private static int extendedLengthBytes(byte second) {
    int length7 = second & 0x7F;
    return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
  }

  /**
   * The whole length (header and payload) of the frame starting at {@code from}, once enough of
   * its header is in {@code [from, limit)}; -1 before. Checks the header the first time it is
   * complete, which this must be called for exactly once per frame with a complete header.
   */
  private long frameLength(ByteBuffer b, int from, int limit) throws InvalidDataException {
    if (limit - from < 2 || limit - from < 2 + extendedLengthBytes(b.get(from + 1))) {
      if (limit - from >= 2 && (b.get(from + 1) & 0x80) == 0) {
        throw new InvalidFrameException("unmasked frame from a client");
      }
      return -1;
    }
    byte first = b.get(from);
    byte second = b.get(from + 1);
    int extra = extendedLengthBytes(second);
    long payload = second & 0x7F;
    if (extra > 0) {
      payload = 0;
      for (int i = 0; i < extra; i++) {
        payload = (payload << 8) | (b.get(from + 2 + i) & 0xFF);
      }
    }
    check(first, second, payload);
    return 2 + extra + 4 + payload;
  }

  /** The checks a header gets before anything of its payload is kept. */
  private void check(byte first, byte second, long payload) throws InvalidDataException {
    if ((second & 0x80) == 0) {
      throw new InvalidFrameException("unmasked frame from a client");
    }
    boolean fin = (first & 0x80) != 0;
    int opcode = first & 0x0F;
    switch (opcode) {
      case 0x8, 0x9, 0xA -> {
        if (payload < 0 || payload > 125) {
          throw new InvalidFrameException("more than 125 octets");
        }
      }
      case 0x0, 0x1, 0x2 -> countAgainstLimit(opcode, fin, payload);
      default -> throw new InvalidFrameException("Unknown opcode " + opcode);
    }
  }

  /**
   * A whole message counts its payload; a fragmented one counts every fragment's payload plus
   * {@link InboundBudget#FRAGMENT_OVERHEAD_BYTES}. A negative 64-bit length counts as too big.
   */
  private void countAgainstLimit(int opcode, boolean fin, long payload) throws LimitExceededException {
    if (payload < 0 || payload > maxMessageBytes) {
      throw new LimitExceededException(TOO_BIG, maxMessageBytes);
    }
    if (opcode != 0 && fin) {
      return; // a message in one frame
    }
    long before = opcode == 0 && fragmented ? messageCharge : 0; // a new first fragment starts over
    messageCharge = before + payload + InboundBudget.FRAGMENT_OVERHEAD_BYTES;
    fragmented = !fin;
    if (messageCharge > maxMessageBytes) {
      throw new LimitExceededException(TOO_BIG, maxMessageBytes);
    }
  }
}
