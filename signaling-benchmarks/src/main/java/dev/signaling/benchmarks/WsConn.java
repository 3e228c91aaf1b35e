package dev.signaling.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal RFC 6455 connection over a non-blocking socket, in the client role (the load
 * generator: masked frames out, plain frames in) or the server role (the raw server). It knows
 * just enough of the protocol for the benchmark: one upgrade, unfragmented text frames, ping,
 * pong and close. Owned by one {@link Loop}; {@link #send} may also be called from one other
 * thread (the latency workload's pacer), hence the monitor on the output buffer.
 */
final class WsConn {

  private static final int INITIAL_BUFFER = 8 * 1024;
  private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};
  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  private enum State { CONNECTING, HANDSHAKE, OPEN, CLOSED }

  final Loop loop;
  final SocketChannel ch;
  final boolean client;
  /** The workload's number for this connection (node index). */
  final int index;
  SelectionKey key;
  InetSocketAddress address;
  /** Free for the workload. */
  Object attachment;

  private State state;
  /**
   * What this connection keeps between reads: a partial frame (or head) only. A read with
   * nothing kept goes into the loop's shared buffer, so that 5,000 connections that each once
   * got a 200 KB list do not each hold a buffer that size (1.3 GB in the generator, whose
   * collector then spent a third of the machine faulting in pages during a join storm).
   */
  private ByteBuffer kept = ByteBuffer.allocate(INITIAL_BUFFER);
  /** The buffer being parsed: {@link #kept} or the loop's shared one. */
  private ByteBuffer in;
  /** Guarded by this: bytes waiting to be written. */
  private ByteBuffer out = ByteBuffer.allocate(INITIAL_BUFFER);
  private boolean writeInterest;
  private boolean markedDirty;
  private final byte[] mask = new byte[4];
  /**
   * The code of the close frame received; 1006 when the connection ended without one, -1 when
   * it ended before the upgrade completed, -2 when the TCP connection never completed.
   */
  int closeCode = 1006;

  WsConn(Loop loop, SocketChannel ch, boolean client, int index) {
    this.loop = loop;
    this.ch = ch;
    this.client = client;
    this.index = index;
    this.state = client ? State.CONNECTING : State.HANDSHAKE;
    ThreadLocalRandom.current().nextBytes(mask);
  }

  boolean isOpen() {
    return state == State.OPEN;
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  void finishConnect() throws IOException {
    if (ch.finishConnect()) {
      key.interestOps(SelectionKey.OP_READ);
      sendHandshake(address);
    }
  }

  /**
   * The upgrade request, with the headers a browser sends: the server keeps what the handshake
   * said for the connection's lifetime, so a realistic head makes the capacity figure honest.
   */
  void sendHandshake(InetSocketAddress address) throws IOException {
    state = State.HANDSHAKE;
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    String head = "GET / HTTP/1.1\r\n"
        + "Host: " + address.getHostString() + ':' + address.getPort() + "\r\n"
        + "Connection: Upgrade\r\n"
        + "Pragma: no-cache\r\n"
        + "Cache-Control: no-cache\r\n"
        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        + "Chrome/131.0.0.0 Safari/537.36\r\n"
        + "Upgrade: websocket\r\n"
        + "Origin: http://localhost:5173\r\n"
        + "Sec-WebSocket-Version: 13\r\n"
        + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
        + "Accept-Language: en-US,en;q=0.9\r\n"
        + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
        + "\r\n";
    byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
    synchronized (this) {
      ensureOut(bytes.length);
      out.put(bytes);
    }
    flush();
  }

  // ------------------------------------------------------------------ writing

  /** Queues one text frame; written at the end of the loop turn, or now from another thread. */
  void send(byte[] payload, int off, int len) {
    boolean now;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      ensureOut(len + 14);
      out.put((byte) 0x81);
      int maskBit = client ? 0x80 : 0;
      if (len <= 125) {
        out.put((byte) (maskBit | len));
      } else if (len <= 0xFFFF) {
        out.put((byte) (maskBit | 126)).putShort((short) len);
      } else {
        out.put((byte) (maskBit | 127)).putLong(len);
      }
      if (client) {
        out.put(mask);
        byte[] a = out.array();
        int p = out.arrayOffset() + out.position();
        for (int i = 0; i < len; i++) {
          a[p + i] = (byte) (payload[off + i] ^ mask[i & 3]);
        }
        out.position(out.position() + len);
      } else {
        out.put(payload, off, len);
      }
      now = !loop.inLoop();
      if (!now && !markedDirty) {
        markedDirty = true;
        loop.markDirty(this);
      }
    }
    if (now) {
      try {
        flush();
      } catch (IOException e) {
        loop.execute(() -> close(loop.handler()));
      }
    }
  }

  void send(byte[] payload) {
    send(payload, 0, payload.length);
  }

  private void sendControl(int opcode, byte[] payload, int off, int len) {
    synchronized (this) {
      ensureOut(len + 6);
      out.put((byte) (0x80 | opcode));
      out.put((byte) ((client ? 0x80 : 0) | len));
      if (client) {
        out.put(mask);
        for (int i = 0; i < len; i++) {
          out.put((byte) (payload[off + i] ^ mask[i & 3]));
        }
      } else {
        out.put(payload, off, len);
      }
      if (!markedDirty) {
        markedDirty = true;
        loop.markDirty(this);
      }
    }
  }

  private void ensureOut(int more) {
    if (out.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + more));
      out.flip();
      bigger.put(out);
      out = bigger;
    }
  }

  /** Writes what the socket takes; asks the selector for the rest. */
  synchronized void flush() throws IOException {
    markedDirty = false;
    if (state == State.CLOSED || state == State.CONNECTING) {
      return;
    }
    out.flip();
    if (out.hasRemaining()) {
      ch.write(out);
    }
    boolean more = out.hasRemaining();
    out.compact();
    if (more != writeInterest) {
      writeInterest = more;
      key.interestOps(more ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      if (!loop.inLoop()) {
        loop.selector.wakeup();
      }
    }
    if (!more && out.capacity() > 1 << 20) {
      out = ByteBuffer.allocate(INITIAL_BUFFER);
    }
  }

  void onWritable() throws IOException {
    flush();
  }

  // ------------------------------------------------------------------ reading

  void onReadable(Loop.Handler handler) throws IOException {
    for (int round = 0; round < 16 && state != State.CLOSED; round++) {
      boolean shared = kept.position() == 0;
      in = shared ? loop.sharedReadBuffer() : kept;
      int n = ch.read(in);
      if (n < 0) {
        close(handler);
        return;
      }
      boolean full = !in.hasRemaining();
      in.flip();
      int needed = state == State.OPEN ? parseFrames(handler) : parseHead(handler);
      if (state == State.CLOSED) {
        return;
      }
      keep(needed, shared);
      if (n == 0 || (!full && needed <= 0)) {
        return;
      }
    }
  }

  /** Moves what is left unparsed in {@link #in} into {@link #kept}, sized for {@code needed} bytes. */
  private void keep(int needed, boolean shared) {
    if (shared) {
      if (in.hasRemaining()) {
        if (Math.max(needed, in.remaining()) > kept.capacity()) {
          kept = ByteBuffer.allocate(Math.max(needed, in.remaining()));
        }
        kept.put(in);
      }
      return;
    }
    kept.compact();
    if (needed > kept.capacity()) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(needed, kept.capacity() * 2));
      kept.flip();
      bigger.put(kept);
      kept = bigger;
    } else if (kept.position() == 0 && kept.capacity() > INITIAL_BUFFER) {
      kept = ByteBuffer.allocate(INITIAL_BUFFER);
    }
  }

  /** Reads the HTTP head (response or request); returns the buffer size it still needs. */
  private int parseHead(Loop.Handler handler) throws IOException {
    byte[] a = in.array();
    int start = in.position();
    int end = indexOf(a, start, in.limit(), END_OF_HEAD);
    if (end < 0) {
      return in.limit() - start + 1024;
    }
    String head = new String(a, start, end - start, StandardCharsets.ISO_8859_1);
    in.position(end + END_OF_HEAD.length);
    if (client) {
      if (!head.startsWith("HTTP/1.1 101")) {
        close(handler);
        return 0;
      }
    } else {
      String key = null;
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) {
          key = line.substring(colon + 1).trim();
        }
      }
      if (key == null) {
        close(handler);
        return 0;
      }
      String response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + accept(key) + "\r\n\r\n";
      byte[] bytes = response.getBytes(StandardCharsets.US_ASCII);
      synchronized (this) {
        ensureOut(bytes.length);
        out.put(bytes);
      }
      flush();
    }
    state = State.OPEN;
    handler.onOpen(this);
    return state == State.OPEN ? parseFrames(handler) : 0;
  }

  /** Handles every complete frame in {@code in}; returns the size a partial frame needs. */
  private int parseFrames(Loop.Handler handler) {
    byte[] a = in.array();
    int p = in.position();
    int limit = in.limit();
    try {
      while (limit - p >= 2) {
        int b0 = a[p] & 0xFF;
        int b1 = a[p + 1] & 0xFF;
        boolean masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
        if (limit - p < header) {
          return header;
        }
        long length;
        if (len7 == 126) {
          length = ((a[p + 2] & 0xFF) << 8) | (a[p + 3] & 0xFF);
        } else if (len7 == 127) {
          length = 0;
          for (int i = 0; i < 8; i++) {
            length = (length << 8) | (a[p + 2 + i] & 0xFF);
          }
        } else {
          length = len7;
        }
        if (length > Integer.MAX_VALUE - header) {
          closeQuietly();
          return 0;
        }
        int total = header + (int) length;
        if (limit - p < total) {
          return total;
        }
        int payload = p + header;
        int len = (int) length;
        if (masked) {
          int m = payload - 4;
          for (int i = 0; i < len; i++) {
            a[payload + i] ^= a[m + (i & 3)];
          }
        }
        p += total;
        switch (b0 & 0x0F) {
          case 0x0, 0x1, 0x2 -> handler.onMessage(this, a, payload, len);
          case 0x8 -> {
            closeCode = len >= 2 ? ((a[payload] & 0xFF) << 8) | (a[payload + 1] & 0xFF) : 1005;
            sendControl(0x8, a, payload, Math.min(len, 125));
            try {
              flush();
            } catch (IOException ignored) {
              // closing anyway
            }
            close(handler);
            return 0;
          }
          case 0x9 -> sendControl(0xA, a, payload, len);
          default -> { } // pong
        }
        if (state == State.CLOSED) {
          return 0;
        }
      }
      return 0;
    } finally {
      if (state != State.CLOSED) {
        in.position(p);
      }
    }
  }

  private static int indexOf(byte[] a, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (a[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static String accept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ closing

  /** Closes the socket and tells the handler once. */
  void close(Loop.Handler handler) {
    if (state == State.CLOSED) {
      return;
    }
    closeQuietly();
    handler.onClose(this);
  }

  void closeQuietly() {
    if (state != State.OPEN && state != State.CLOSED) {
      closeCode = state == State.CONNECTING ? -2 : -1; // never connected / never upgraded
    }
    state = State.CLOSED;
    if (key != null) {
      key.cancel();
    }
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
