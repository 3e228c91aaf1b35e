package dev.signaling.testkit.transport.attack;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/** What a client puts on the wire, as bytes: upgrade requests and masked WebSocket frames. */
public final class Frames {

  /** First header bytes: FIN and opcode. */
  public static final int TEXT = 0x81;
  public static final int TEXT_NOT_FIN = 0x01;
  public static final int CONTINUATION = 0x00;
  public static final int CONTINUATION_FIN = 0x80;
  public static final int PONG = 0x8A;
  public static final int CLOSE = 0x88;

  private static final byte[] MASK = {0x1f, 0x2e, 0x3d, 0x4c};

  private Frames() {}

  /** A complete, valid upgrade request for {@code /}. */
  public static byte[] upgradeRequest() {
    return upgradeRequest("/", "");
  }

  /** A complete, valid upgrade request for {@code path}, with extra header lines (each ending in CRLF). */
  public static byte[] upgradeRequest(String path, String extraHeaders) {
    byte[] key = new byte[16];
    ThreadLocalRandom.current().nextBytes(key);
    return ascii("GET " + path + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + extraHeaders
        + "\r\n");
  }

  /** A masked frame: the first header byte (FIN, opcode), then the payload. */
  public static byte[] frame(int firstByte, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
    out.writeBytes(header(firstByte, payload.length));
    for (int i = 0; i < payload.length; i++) {
      out.write(payload[i] ^ MASK[i % 4]);
    }
    return out.toByteArray();
  }

  /**
   * A masked frame's header alone, announcing {@code payloadLength} bytes: 6 bytes up to 125, 8
   * up to 65,535, 14 above.
   */
  public static byte[] header(int firstByte, long payloadLength) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(14);
    out.write(firstByte);
    if (payloadLength <= 125) {
      out.write(0x80 | (int) payloadLength);
    } else if (payloadLength <= 0xFFFF) {
      out.write(0x80 | 126);
      out.write((int) (payloadLength >>> 8));
      out.write((int) payloadLength);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) (payloadLength >>> shift));
      }
    }
    out.writeBytes(MASK);
    return out.toByteArray();
  }

  /** A masked text frame. */
  public static byte[] text(String text) {
    return frame(TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A {@code register} message as a masked text frame. */
  public static byte[] register(String nodeId) {
    return text("{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + nodeId + "\"}");
  }

  /** The bytes of {@code text} in ISO-8859-1 (one byte a char). */
  public static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** {@code parts} one after the other. */
  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
