package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.OutboundMessage;
import java.nio.ByteBuffer;
import org.java_websocket.framing.TextFrame;

/**
 * One outgoing text message, handed to Java-WebSocket's {@code sendFrame} and turned into bytes by
 * {@link SignalingDraft#createBinaryFrame}: the UTF-8 bytes the core encoded once are copied
 * behind the frame header as they are, with no re-encoding and no UTF-8 validation per recipient.
 *
 * <p>The inherited payload stays empty on purpose: nothing in the library reads it on this path,
 * and the library's trace logging would fail on a read-only buffer.
 */
final class OutboundFrame extends TextFrame {

  private final OutboundMessage message;

  OutboundFrame(OutboundMessage message) {
    this.message = message;
  }

  /** The frame as it goes on the wire from a server: FIN, opcode text, unmasked. */
  ByteBuffer encode() {
    int size = message.size();
    int header = size <= 125 ? 2 : size <= 0xFFFF ? 4 : 10;
    ByteBuffer frame = ByteBuffer.allocate(header + size);
    frame.put((byte) 0x81);
    if (size <= 125) {
      frame.put((byte) size);
    } else if (size <= 0xFFFF) {
      frame.put((byte) 126).putShort((short) size);
    } else {
      frame.put((byte) 127).putLong(size);
    }
    frame.put(message.payload());
    return frame.flip();
  }
}
