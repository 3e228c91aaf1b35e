package dev.signaling.transport.javawebsocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.WebSocketImpl;
import org.java_websocket.drafts.Draft;
import org.java_websocket.drafts.Draft_6455;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.framing.Framedata;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.handshake.HandshakeBuilder;
import org.java_websocket.handshake.Handshakedata;
import org.java_websocket.handshake.ServerHandshakeBuilder;

/**
 * RFC 6455 with what the stock draft lacks for us. One instance per connection, copied from the
 * endpoint's {@link #template} when the handshake arrives.
 *
 * <ul>
 *   <li>Received bytes go through a {@link FrameReader} first: the library gets only complete
 *       frames, a partial frame costs what arrived of it (reserved in the server-wide inbound
 *       budget), and every header is checked before its payload is kept (unmasked frames {@code
 *       1002}, sizes {@code 1009}).
 *   <li>Fragments are kept by a {@link FragmentedMessage}, reserved in the budget, and the library
 *       gets the whole message; fragmented messages cannot bypass the size limit (Java-WebSocket
 *       #1508), and empty or tiny fragments trip {@code 1009} long before they cost memory.
 *   <li>A pong is handed to its socket, whose liveness counts only the echo of its own ping.
 *   <li>The {@code 101} answer names no library and carries a cached {@code Date}.
 *   <li>Every byte this connection queues for writing (handshake response and frames of any kind:
 *       ours, pings, pongs, close) is added to the connection's {@code queued} counter, which the
 *       socket's channel decrements as bytes reach the socket. That is how {@code queuedBytes()}
 *       stays exact.
 *   <li>{@link OutboundFrame}s go out as the core encoded them, large payloads shared between recipients.
 * </ul>
 */
final class SignalingDraft extends Draft_6455 {

  /** What a socket binds its draft to when the draft is copied for its upgrade. */
  record Binding(AtomicLong queued, InboundAccount account) {}

  private static final String WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private final int maxMessageBytes;
  private final AtomicLong queued;
  private final InboundAccount account;
  /** Only the connection's decoder thread. */
  private final FrameReader reader;
  /** Made at the first fragment: most connections never fragment. Decoder thread only. */
  private FragmentedMessage message;

  private SignalingDraft(int maxMessageBytes, Binding binding) {
    super(Collections.emptyList(), maxMessageBytes);
    this.maxMessageBytes = maxMessageBytes;
    this.queued = binding == null ? null : binding.queued();
    this.account = binding == null ? InboundAccount.NONE : binding.account();
    this.reader = new FrameReader(account, maxMessageBytes);
  }

  /** The binding of the socket whose upgrade this thread is decoding. */
  private static final ThreadLocal<Binding> UPGRADING = new ThreadLocal<>();

  /**
   * The draft an endpoint offers to every socket. Java-WebSocket keeps the offered drafts for a
   * socket's lifetime and copies the matching one at the upgrade, so one shared template saves
   * a draft (with its SecureRandom and lists) per connection; the copy is bound to its socket
   * through {@link #bindingUpgrades}.
   */
  static SignalingDraft template(int maxMessageBytes) {
    return new SignalingDraft(maxMessageBytes, null);
  }

  /** Runs the decoding of a socket's upgrade request, so that the draft copied in it is bound to that socket. */
  static void bindingUpgrades(Binding binding, Runnable decode) {
    UPGRADING.set(binding);
    try {
      decode.run();
    } finally {
      UPGRADING.remove();
    }
  }

  @Override
  public Draft copyInstance() {
    Binding binding = UPGRADING.get();
    if (binding == null) {
      throw new IllegalStateException("the draft template is only copied while an upgrade is decoded");
    }
    return new SignalingDraft(maxMessageBytes, binding);
  }

  @Override
  public List<Framedata> translateFrame(ByteBuffer buffer) throws InvalidDataException {
    // The library passes every received byte through here exactly once, in order.
    try {
      List<Framedata> frames = null;
      if (reader.hasPartial()) {
        ByteBuffer completed = reader.continuePartial(buffer);
        if (completed == null) {
          return Collections.emptyList();
        }
        frames = super.translateFrame(completed);
        reader.releaseCompleted();
      }
      int from = buffer.position();
      int end = reader.scan(buffer);
      if (end > from) {
        List<Framedata> more = super.translateFrame(buffer.duplicate().position(from).limit(end));
        if (frames == null) {
          return more;
        }
        frames.addAll(more);
      }
      return frames == null ? Collections.emptyList() : frames;
    } catch (InvalidDataException | RuntimeException e) {
      drop(); // the connection closes: what it held is given back now
      throw e;
    }
  }

  @Override
  public void processFrame(WebSocketImpl socket, Framedata frame) throws InvalidDataException {
    try {
      if (frame.getOpcode() == Opcode.PONG) {
        ((SignalingSocket) socket).pong(frame.getPayloadData());
      } else if (FragmentedMessage.takes(frame, message)) {
        if (message == null) {
          message = new FragmentedMessage(account, maxMessageBytes);
        }
        frame = message.add(frame);
        if (frame == null) {
          return; // a fragment: the message goes on
        }
      }
      super.processFrame(socket, frame);
    } catch (InvalidDataException | RuntimeException e) {
      drop();
      throw e;
    }
  }

  private void drop() {
    reader.drop();
    if (message != null) {
      message.drop();
    }
  }

  @Override
  public HandshakeBuilder postProcessHandshakeResponseAsServer(ClientHandshake request,
      ServerHandshakeBuilder response) {
    // Our own answer rather than the library's: no Server header naming it, Connection: Upgrade
    // (not an echo of the request's), and a Date formatted once a second, not per handshake.
    response.setHttpStatusMessage("Switching Protocols");
    response.put("Upgrade", "websocket");
    response.put("Connection", "Upgrade");
    response.put("Sec-WebSocket-Accept", acceptKey(request.getFieldValue("Sec-WebSocket-Key").trim()));
    response.put("Date", HttpDate.now());
    return response;
  }

  /** RFC 6455 §4.2.2: base64 of the SHA-1 of the key and the protocol's GUID. */
  static String acceptKey(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + WEBSOCKET_GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
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
}
