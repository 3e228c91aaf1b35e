package dev.signaling.transport.javawebsocket;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.Handshakedata;

/**
 * RFC 6455 with the four things the stock draft lacks for us. One instance per connection, copied
 * from the endpoint's {@link #template} when the handshake arrives.
 *
 * <ul>
 *   <li>Every frame from a client must be masked (RFC 6455 §5.1); the stock draft accepts
 *       unmasked ones. A {@link MaskCheck} follows the frame headers in the byte stream and fails
 *       the connection with {@code 1002} at the first unmasked one.
 *   <li>The message size limit also holds for fragmented messages: the stock draft checks each
 *       frame, but not the running total of continuation frames (Java-WebSocket #1508), so a
 *       client could make it buffer far more than the limit. We close with {@code 1009} as soon as
 *       the total passes it.
 *   <li>Every byte this connection queues for writing (handshake response and frames of any kind:
 *       ours, pings, pongs, close) is added to the connection's {@code queued} counter, which the
 *       socket's channel decrements as bytes reach the socket. That is how {@code queuedBytes()}
 *       stays exact.
 *   <li>{@link OutboundFrame}s go out as the core encoded them, large payloads shared between recipients.
 * </ul>
 */
final class SignalingDraft extends Draft_6455 {

  /** The reason text the library itself uses for a single frame over the limit. */
  private static final String TOO_BIG = "Payload limit reached.";

  private final int maxMessageBytes;
  private final AtomicLong queued;

  /** Bytes of the fragmented message being received; only the connection's decoder thread. */
  private long fragmentedBytes;

  /** Only the connection's decoder thread. */
  private final MaskCheck maskCheck = new MaskCheck();

  SignalingDraft(int maxMessageBytes, AtomicLong queued) {
    super(Collections.emptyList(), maxMessageBytes);
    this.maxMessageBytes = maxMessageBytes;
    this.queued = queued;
  }

  /** The queued-bytes counter of the socket whose upgrade this thread is decoding. */
  private static final ThreadLocal<AtomicLong> UPGRADING = new ThreadLocal<>();

  /**
   * The draft an endpoint offers to every socket. Java-WebSocket keeps the offered drafts for a
   * socket's lifetime and copies the matching one at the upgrade, so one shared template saves
   * a draft (with its SecureRandom and lists) per connection; the copy is bound to its socket
   * through {@link #bindingUpgrades}.
   */
  static SignalingDraft template(int maxMessageBytes) {
    return new SignalingDraft(maxMessageBytes, null);
  }

  /** Runs the decoding of a socket's upgrade request, so that the draft copied in it counts into {@code queued}. */
  static void bindingUpgrades(AtomicLong queued, Runnable decode) {
    UPGRADING.set(queued);
    try {
      decode.run();
    } finally {
      UPGRADING.remove();
    }
  }

  @Override
  public Draft copyInstance() {
    AtomicLong counter = queued != null ? queued : UPGRADING.get();
    if (counter == null) {
      throw new IllegalStateException("the draft template is only copied while an upgrade is decoded");
    }
    return new SignalingDraft(maxMessageBytes, counter);
  }

  @Override
  public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
    // The library passes every received byte through here exactly once, in order.
    maskCheck.scan(buffer);
    return super.translateFrame(buffer);
  }

  @Override
  public void processFrame(WebSocketImpl socket, Framedata frame) throws InvalidDataException {
    Opcode opcode = frame.getOpcode();
    boolean continuation = opcode == Opcode.CONTINUOUS;
    boolean fragment = continuation
        || (!frame.isFin() && (opcode == Opcode.TEXT || opcode == Opcode.BINARY));
    if (fragment) {
      long total = (continuation ? fragmentedBytes : 0) + frame.getPayloadData().remaining();
      if (total > maxMessageBytes) {
        fragmentedBytes = 0;
        throw new LimitExceededException(TOO_BIG, maxMessageBytes);
      }
      fragmentedBytes = frame.isFin() ? 0 : total;
    }
    super.processFrame(socket, frame);
  }

  @Override
  public ByteBuffer createBinaryFrame(Framedata frame) {
    ByteBuffer bytes = frame instanceof OutboundFrame outbound
        ? outbound.bytes()
        : super.createBinaryFrame(frame);
    queued.addAndGet(bytes.remaining());
    return bytes;
  }

  @Override
  public List<ByteBuffer> createHandshake(Handshakedata handshake, boolean withContent) {
    List<ByteBuffer> buffers = super.createHandshake(handshake, withContent);
    for (ByteBuffer buffer : buffers) {
      queued.addAndGet(buffer.remaining());
    }
    return buffers;
  }

  /**
   * Finds the frame headers in the received byte stream, however it is split into reads, and
   * refuses a frame whose mask bit is clear. Reads headers only and skips over payloads, so it
   * costs a few operations per frame.
   */
  static final class MaskCheck {
    /** The header being read: at most 2 + 8 length bytes are needed. */
    private final byte[] header = new byte[10];
    private int headerLength;
    /** Bytes of the current frame (rest of the header's mask key, then payload) still to skip. */
    private long skip;

    /** Checks the headers that start in {@code bytes[position, limit)}; does not move the position. */
    void scan(ByteBuffer bytes) throws InvalidFrameException {
      int i = bytes.position();
      int end = bytes.limit();
      while (i < end) {
        if (skip > 0) {
          long n = Math.min(skip, end - i);
          i += (int) n;
          skip -= n;
          continue;
        }
        header[headerLength++] = bytes.get(i++);
        if (headerLength == 2 && (header[1] & 0x80) == 0) {
          throw new InvalidFrameException("unmasked frame from a client");
        }
        if (headerLength >= 2 && headerLength == lengthBytes(header[1]) + 2) {
          skip = 4 + payloadLength();
          headerLength = 0;
        }
      }
    }

    private static int lengthBytes(byte second) {
      int length7 = second & 0x7F;
      return length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    }

    private long payloadLength() {
      int length7 = header[1] & 0x7F;
      if (length7 < 126) {
        return length7;
      }
      long length = 0;
      for (int k = 2; k < headerLength; k++) {
        length = (length << 8) | (header[k] & 0xFF);
      }
      // A negative 64-bit length is refused by the library itself; nothing after it is read.
      return length < 0 ? Long.MAX_VALUE / 2 : length;
    }
  }
}
