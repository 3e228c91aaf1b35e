package dev.signaling.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLSocketFactory;

/**
 * A TCP (or TLS) client for tests that need exact bytes: HTTP requests split or malformed at will,
 * and hand-made WebSocket frames (fragments, invalid UTF-8). Every read waits at most {@link
 * TestClient#TIMEOUT}.
 */
public final class RawSocket implements AutoCloseable {

  /** Opcode of a text frame. */
  public static final int TEXT = 0x1;
  /** Opcode of a binary frame. */
  public static final int BINARY = 0x2;
  /** Opcode of a continuation frame. */
  public static final int CONTINUATION = 0x0;
  /** Opcode of a close frame. */
  public static final int CLOSE = 0x8;
  /** Opcode of a ping. */
  public static final int PING = 0x9;
  /** Opcode of a pong. */
  public static final int PONG = 0xA;

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  /** Length of the {@code 101} answer {@link #upgrade} read. */
  private int upgradeAnswerBytes;

  /** A frame as received: FIN, opcode and payload. */
  public record Frame(boolean fin, int opcode, byte[] payload) {
    /** The payload as UTF-8 text. */
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The code of a close frame. */
    public int closeCode() {
      return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    }
  }

  /** Connects to {@code port} on 127.0.0.1. */
  public RawSocket(int port) throws IOException {
    this(port, 0, null);
  }

  /**
   * Connects with this receive buffer size ({@code 0}: the system's default). A small buffer makes
   * a client that never reads push back on the server after a few kilobytes.
   */
  public RawSocket(int port, int receiveBufferBytes) throws IOException {
    this(port, receiveBufferBytes, null);
  }

  /** Over TLS when {@code tls} is given; its handshake runs with the first read or write. */
  public RawSocket(int port, SSLSocketFactory tls) throws IOException {
    this(port, 0, tls);
  }

  private RawSocket(int port, int receiveBufferBytes, SSLSocketFactory tls) throws IOException {
    socket = tls == null ? new Socket() : tls.createSocket();
    if (receiveBufferBytes > 0) {
      socket.setReceiveBufferSize(receiveBufferBytes); // before connect, so the window is small
    }
    socket.setTcpNoDelay(true); // each write goes out as its own segment
    socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TestClient.TIMEOUT.toMillis());
    socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /** Writes these characters as ISO-8859-1 bytes. */
  public void write(String ascii) throws IOException {
    write(ascii.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Writes these bytes and flushes. */
  public void write(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Everything the server sends until it closes the connection.
   *
   * @throws SocketTimeoutException if the server keeps the connection open
   */
  public byte[] readToEnd() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    for (int n; (n = in.read(buffer)) != -1; ) {
      all.write(buffer, 0, n);
    }
    return all.toByteArray();
  }

  /** {@link #readToEnd()} as ISO-8859-1 text. */
  public String readToEndAscii() throws IOException {
    return new String(readToEnd(), StandardCharsets.ISO_8859_1);
  }

  /** Sends a WebSocket upgrade for {@code path} and reads the {@code 101} answer. */
  public RawSocket upgrade(String path) throws IOException {
    return upgrade(path, "");
  }

  /**
   * Sends a WebSocket upgrade for {@code path} with extra header lines (each ending in CRLF) and
   * reads the {@code 101} answer.
   */
  public RawSocket upgrade(String path, String extraHeaders) throws IOException {
    write(upgradeRequest(path, extraHeaders));
    String head = readHead();
    assertThat(head).as("upgrade answer").startsWith("HTTP/1.1 101 ");
    upgradeAnswerBytes = head.length();
    return this;
  }

  /**
   * Sends a WebSocket upgrade for {@code path} with {@code frames} right behind it, in one write (as
   * a client that does not wait for the {@code 101} may), and reads the {@code 101} answer.
   */
  public RawSocket upgradeWithFrames(String path, byte[] frames) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(upgradeRequest(path, "").getBytes(StandardCharsets.ISO_8859_1));
    all.writeBytes(frames);
    write(all.toByteArray());
    String head = readHead();
    assertThat(head).as("upgrade answer").startsWith("HTTP/1.1 101 ");
    upgradeAnswerBytes = head.length();
    return this;
  }

  /** Bytes of the {@code 101} answer that {@link #upgrade} read. */
  public int upgradeAnswerBytes() {
    return upgradeAnswerBytes;
  }

  /** A complete WebSocket upgrade request for {@code path}, with extra header lines. */
  public static String upgradeRequest(String path, String extraHeaders) {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    return "GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + extraHeaders
        + "\r\n";
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b == -1) {
        throw new IOException("closed during the response head: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Sends one masked frame, as a client must. */
  public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
    write(frame((fin ? 0x80 : 0) | opcode, true, payload));
  }

  /**
   * The bytes of one frame, for tests that break the rules on purpose.
   *
   * @param firstByte FIN, RSV bits and opcode, as they go on the wire
   * @param masked whether to mask the payload (a client must)
   */
  public static byte[] frame(int firstByte, boolean masked, byte[] payload) {
    ByteBuffer frame = ByteBuffer.allocate(14 + payload.length);
    frame.put((byte) firstByte);
    int maskBit = masked ? 0x80 : 0;
    if (payload.length <= 125) {
      frame.put((byte) (maskBit | payload.length));
    } else if (payload.length <= 0xFFFF) {
      frame.put((byte) (maskBit | 126)).putShort((short) payload.length);
    } else {
      frame.put((byte) (maskBit | 127)).putLong(payload.length);
    }
    byte[] mask = new byte[4];
    if (masked) {
      ThreadLocalRandom.current().nextBytes(mask);
      frame.put(mask);
    }
    for (int i = 0; i < payload.length; i++) {
      frame.put((byte) (payload[i] ^ mask[i % 4]));
    }
    return java.util.Arrays.copyOf(frame.array(), frame.position());
  }

  /** Registers under {@code nodeId} and reads up to the {@code participants} answer. */
  public RawSocket register(String nodeId) throws IOException {
    sendText("{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + nodeId + "\"}");
    for (Frame frame = readFrame(); !frame.text().startsWith("{\"type\":\"participants\""); frame = readFrame()) {
      // role-assign replays and the like
    }
    return this;
  }

  /** Sends one masked text frame. */
  public void sendText(String text) throws IOException {
    sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads the next frame from the server (never masked). */
  public Frame readFrame() throws IOException {
    int b0 = in.readUnsignedByte();
    int b1 = in.readUnsignedByte();
    assertThat(b1 & 0x80).as("server frames are not masked").isZero();
    long length = b1 & 0x7F;
    if (length == 126) {
      length = in.readUnsignedShort();
    } else if (length == 127) {
      length = in.readLong();
    }
    byte[] payload = new byte[(int) length];
    in.readFully(payload);
    return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
  }

  /** Reads frames up to the close frame and returns it. */
  public Frame readUntilClose() throws IOException {
    for (Frame frame = readFrame(); ; frame = readFrame()) {
      if (frame.opcode() == CLOSE) {
        return frame;
      }
    }
  }

  /**
   * How the server ended the connection: the code of its close frame, or {@code null} when it
   * closed TCP without one (end of stream or reset). Frames before the close are skipped.
   */
  public Integer awaitClose() throws IOException {
    try {
      for (Frame frame = readFrame(); ; frame = readFrame()) {
        if (frame.opcode() == CLOSE) {
          return frame.payload().length >= 2 ? frame.closeCode() : 1005;
        }
      }
    } catch (java.io.EOFException | java.net.SocketException e) {
      return null;
    }
  }

  /**
   * Waits up to {@code millis} for the server to end the connection.
   *
   * @return {@code true} if it ended (end of stream or reset), {@code false} if it is still open
   * @throws IOException if bytes arrive instead
   */
  public boolean endsWithin(int millis) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      int b = in.read();
      if (b != -1) {
        throw new IOException("unexpected byte from the server: " + b);
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException e) {
      return true; // reset
    } finally {
      socket.setSoTimeout(timeout);
    }
  }

  /** Sends FIN: the client will write nothing more (it may already be reset by the server). */
  public void socketShutdownOutput() {
    try {
      socket.shutdownOutput();
    } catch (IOException e) {
      // Already closed or reset by the server: nothing left to shut.
    }
  }

  /** Dies like a killed process: the kernel resets the connection, nothing more is sent. */
  public void kill() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  /** Closes the socket (TCP FIN). */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
