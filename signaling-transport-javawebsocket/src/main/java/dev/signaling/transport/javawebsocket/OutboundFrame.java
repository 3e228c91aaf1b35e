package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.OutboundMessage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.TextFrame;

/**
 * Bytes of one outgoing text message, handed to Java-WebSocket's {@code sendFrame} and returned
 * as they are by {@link SignalingDraft#createBinaryFrame}: no re-encoding and no UTF-8 validation
 * per recipient.
 *
 * <p>A small message is copied behind its header into one buffer (with the small messages sent
 * along with it, see {@link #of(List)}). A large one (a {@code
 * participants} list, typically, sent to every node) goes as two buffers: its header, and a view
 * of the message's own bytes, so that every recipient's queue shares the one encoded copy instead
 * of holding a copy of its own. Both are handed to the library in one call, so nothing can come
 * between them; {@link CountingChannel} writes adjacent buffers with one gathering write.
 *
 * <p>The inherited payload stays empty on purpose: nothing in the library reads it on this path,
 * and the library's trace logging would fail on a read-only buffer.
 */
final class OutboundFrame extends TextFrame {

  /**
   * Larger payloads are shared, not copied. Above 1,000 bytes on purpose: Java-WebSocket builds
   * a trace {@code String} of every written buffer up to 1,000 bytes from its backing array,
   * which a shared read-only view does not expose.
   */
  static final int SHARE_ABOVE = 1024;

  private final ByteBuffer bytes;

  private OutboundFrame(ByteBuffer bytes) {
    this.bytes = bytes;
  }

  /** The frames that put {@code message} on the wire from a server: FIN, opcode text, unmasked. */
  static List<Framedata> of(OutboundMessage message) {
    return of(List.of(message));
  }

  /**
   * The frames of several messages, in order. Consecutive small messages share one buffer, so
   * that a batch costs the library one queue entry and one write demand rather than one per
   * message; a large message still goes as its header (at the end of that buffer) and a view.
   */
  static List<Framedata> of(List<OutboundMessage> messages) {
    List<Framedata> frames = new ArrayList<>(2);
    int i = 0;
    int count = messages.size();
    while (i < count) {
      int bytes = 0;
      int end = i;
      while (end < count && messages.get(end).size() <= SHARE_ABOVE) {
        int size = messages.get(end).size();
        bytes += headerSize(size) + size;
        end++;
      }
      OutboundMessage large = end < count ? messages.get(end) : null;
      if (large != null) {
        bytes += headerSize(large.size());
      }
      ByteBuffer buffer = ByteBuffer.allocate(bytes);
      for (int k = i; k < end; k++) {
        OutboundMessage small = messages.get(k);
        putHeader(buffer, small.size());
        buffer.put(small.payload());
      }
      if (large != null) {
        putHeader(buffer, large.size());
      }
      frames.add(new OutboundFrame(buffer.flip()));
      if (large != null) {
        frames.add(new OutboundFrame(large.payload()));
        end++;
      }
      i = end;
    }
    return frames;
  }

  private static int headerSize(int size) {
    return size <= 125 ? 2 : size <= 0xFFFF ? 4 : 10;
  }

  private static void putHeader(ByteBuffer buffer, int size) {
    buffer.put((byte) 0x81);
    if (size <= 125) {
      buffer.put((byte) size);
    } else if (size <= 0xFFFF) {
      buffer.put((byte) 126).putShort((short) size);
    } else {
      buffer.put((byte) 127).putLong(size);
    }
  }

  /** The bytes to queue for the socket. */
  ByteBuffer bytes() {
    return bytes;
  }
}
