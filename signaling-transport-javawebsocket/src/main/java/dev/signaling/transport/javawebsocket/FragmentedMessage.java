package dev.signaling.transport.javawebsocket;

import dev.signaling.core.spi.InboundBudget;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;

/**
 * The fragments of the message one connection is receiving, kept here rather than by
 * Java-WebSocket so that they are reserved in the server-wide {@link InboundBudget} (each payload
 * plus {@link InboundBudget#FRAGMENT_OVERHEAD_BYTES}) and given back as soon as the message is
 * delivered or the connection ends. The library then only ever sees whole messages; this also
 * checks the fragment sequence as RFC 6455 §5.4 says ({@code 1002}), and the UTF-8 of a text
 * message is checked whole, so a character may be split between fragments.
 *
 * <p>Only the connection's decoder thread calls it (its {@link #drop()} too, or the thread that
 * closes the connection once nothing more is decoded).
 */
final class FragmentedMessage extends HeldBytes {

  /** The opcode of the first fragment while a message is under way; null between messages. */
  private Opcode opcode;
  private List<ByteBuffer> fragments = new ArrayList<>(0);
  private long size;

  /** @param account where the fragments waiting for the end of their message are reserved */
  FragmentedMessage(InboundAccount account, int maxMessageBytes) {
    super(account, maxMessageBytes);
  }

  /**
   * Whether {@code frame} belongs to a fragmented message: a fragment, or a message that breaks
   * into the one under way in {@code current} (null when there is none).
   */
  static boolean takes(Framedata frame, FragmentedMessage current) {
    Opcode op = frame.getOpcode();
    return op == Opcode.CONTINUOUS || ((op == Opcode.TEXT || op == Opcode.BINARY)
        && (!frame.isFin() || (current != null && current.opcode != null)));
  }

  /**
   * Adds a frame that {@link #takes} belongs here.
   *
   * @return the whole message as one final frame when {@code frame} ends it, else null
   * @throws InvalidDataException {@code 1002} for a continuation without a first fragment or a new
   *     message before the last one ended; {@code 1009} ({@link
   *     org.java_websocket.exceptions.LimitExceededException}) when the budget sheds this connection
   */
  Framedata add(Framedata frame) throws InvalidDataException {
    Opcode op = frame.getOpcode();
    if (op == Opcode.CONTINUOUS && opcode == null) {
      throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "Continuous frame sequence was not started.");
    }
    if (op != Opcode.CONTINUOUS && opcode != null) {
      throw new InvalidDataException(CloseFrame.PROTOCOL_ERROR, "Previous continuous frame sequence not completed.");
    }
    if (opcode == null) {
      opcode = op;
    }
    ByteBuffer payload = frame.getPayloadData();
    if (!frame.isFin()) {
      reserve(payload.remaining() + (long) InboundBudget.FRAGMENT_OVERHEAD_BYTES);
      fragments.add(payload);
      size += payload.remaining();
      return null;
    }
    ByteBuffer whole = ByteBuffer.allocate((int) (size + payload.remaining()));
    for (ByteBuffer fragment : fragments) {
      whole.put(fragment);
    }
    whole.put(payload).flip();
    FramedataImpl1 message = FramedataImpl1.get(opcode);
    message.setFin(true);
    message.setPayload(whole);
    drop();
    return message;
  }

  /** Forgets the message under way and gives back its budget. */
  void drop() {
    releaseAll();
    opcode = null;
    fragments = new ArrayList<>(0); // not clear(): the array of a message of many fragments would stay
    size = 0;
  }
}
