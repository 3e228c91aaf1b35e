package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.OutboundMessage;
import java.nio.ByteBuffer;
import java.util.List;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.TextFrame;

/**
 * Bytes of one outgoing text message, handed to Java-WebSocket's {@code sendFrame} and returned
 * as they are by {@link SignalingDraft#createBinaryFrame}: no re-encoding and no UTF-8 validation
 * per recipient.
 *
 * <p>A small message is copied behind its header into one buffer. A large one (a {@code
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
    int size = message.size();
    int header = size <= 125 ? 2 : size <= 0xFFFF ? 4 : 10;
    boolean share = size > SHARE_ABOVE;
    ByteBuffer first = ByteBuffer.allocate(share ? header : header + size);
    first.put((byte) 0x81);
    if (size <= 125) {
      first.put((byte) size);
    } else if (size <= 0xFFFF) {
      first.put((byte) 126).putShort((short) size);
    } else {
      first.put((byte) 127).putLong(size);
    }
    if (share) {
      return List.of(new OutboundFrame(first.flip()), new OutboundFrame(message.payload()));
    }
    first.put(message.payload());
    return List.of(new OutboundFrame(first.flip()));
  }

  /** The bytes to queue for the socket. */
  ByteBuffer bytes() {
    return bytes;
  }
}
