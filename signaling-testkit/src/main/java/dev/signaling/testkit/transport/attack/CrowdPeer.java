package dev.signaling.testkit.transport.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection of a {@link Crowd}: what it still has to send, and what it has read of the
 * server's answer (an HTTP head, then either the rest of a refusal or WebSocket frames, of which
 * only close frames are looked at). Only the crowd's thread touches it.
 */
final class CrowdPeer {

  /** A refusal's head and body are kept up to this size. */
  private static final int MAX_ANSWER = 8 * 1024;
  private static final int CHUNK = 64 * 1024;

  final CrowdGroup group;
  final SocketChannel channel;
  SelectionKey key;
  private boolean ended;

  /** Units still to send, each {@code times} times. */
  private final ArrayDeque<Pending> out = new ArrayDeque<>();
  private ByteBuffer writing;

  private enum Reading { HEAD, REFUSAL, FRAMES }

  private Reading reading = Reading.HEAD;
  private final ByteArrayOutputStream answer = new ByteArrayOutputStream();
  private int status;
  /** The last four bytes of the head read so far, to find its end. */
  private int last4;
  private final byte[] header = new byte[10];
  private int headerLength;
  private long payloadLeft;
  private int opcode;
  private int closeCode = -1;

  private static final class Pending {
    final byte[] unit;
    long times;

    Pending(byte[] unit, long times) {
      this.unit = unit;
      this.times = times;
    }
  }

  CrowdPeer(CrowdGroup group, SocketChannel channel) {
    this.group = group;
    this.channel = channel;
  }

  void queue(byte[] unit, long times) {
    if (ended || times <= 0) {
      return;
    }
    out.add(new Pending(unit, times));
    if (key != null) {
      try {
        flush();
      } catch (IOException e) {
        end();
      }
    }
  }

  /** Writes what the socket takes now; asks for writability when it takes no more. */
  void flush() throws IOException {
    if (ended || key == null || !key.isValid()) {
      return;
    }
    while (true) {
      if (writing == null || !writing.hasRemaining()) {
        writing = nextChunk();
        if (writing == null) {
          key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
          return;
        }
      }
      int n = channel.write(writing);
      group.bytesSent.addAndGet(n);
      if (writing.hasRemaining()) {
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        return;
      }
    }
  }

  /** The next bytes to write: a unit, or as many repetitions of a small one as fit a chunk. */
  private ByteBuffer nextChunk() {
    Pending p = out.peek();
    if (p == null) {
      return null;
    }
    int per = Math.max(1, CHUNK / Math.max(1, p.unit.length));
    long n = Math.min(per, p.times);
    if (n == 1) {
      p.times--;
      if (p.times == 0) {
        out.poll();
      }
      return ByteBuffer.wrap(p.unit);
    }
    ByteBuffer chunk = ByteBuffer.allocate((int) n * p.unit.length);
    for (long i = 0; i < n; i++) {
      chunk.put(p.unit);
    }
    p.times -= n;
    if (p.times == 0) {
      out.poll();
    }
    return chunk.flip();
  }

  void received(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      switch (reading) {
        case HEAD -> readHead(bytes);
        case REFUSAL -> keep(bytes, bytes.remaining());
        case FRAMES -> readFrames(bytes);
      }
    }
  }

  private void readHead(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      byte b = bytes.get(bytes.position());
      keep(bytes, 1);
      last4 = (last4 << 8) | (b & 0xFF);
      if (last4 == 0x0D0A0D0A) {
        String head = answer.toString(StandardCharsets.ISO_8859_1);
        String[] statusLine = head.split("\r\n", 2)[0].split(" ", 3);
        status = statusLine.length > 1 ? parse(statusLine[1]) : -1;
        count(group.statuses, status);
        if (status == 101) {
          group.answers.putIfAbsent(101, head);
          group.upgraded.incrementAndGet();
          group.changed = true;
          reading = Reading.FRAMES;
        } else {
          reading = Reading.REFUSAL;
        }
        return;
      }
    }
  }

  private static int parse(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void keep(ByteBuffer bytes, int n) {
    for (int i = 0; i < n; i++) {
      byte b = bytes.get();
      if (answer.size() < MAX_ANSWER) {
        answer.write(b);
      }
    }
  }

  /** Follows the server's frames (unmasked) and records the code of a close frame. */
  private void readFrames(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      if (payloadLeft > 0) {
        if (opcode == 8 && closeCode < 0) {
          // The code is the payload's first two bytes.
          header[headerLength++] = bytes.get();
          payloadLeft--;
          if (headerLength == 2) {
            closeCode = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
            count(group.closeCodes, closeCode);
            headerLength = 0;
          }
          continue;
        }
        int skip = (int) Math.min(payloadLeft, bytes.remaining());
        bytes.position(bytes.position() + skip);
        payloadLeft -= skip;
        continue;
      }
      header[headerLength++] = bytes.get();
      if (headerLength < 2) {
        continue;
      }
      int length7 = header[1] & 0x7F;
      int extra = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
      if (headerLength < 2 + extra) {
        continue;
      }
      opcode = header[0] & 0x0F;
      long length = length7;
      if (extra > 0) {
        length = 0;
        for (int i = 2; i < 2 + extra; i++) {
          length = (length << 8) | (header[i] & 0xFF);
        }
      }
      headerLength = 0;
      payloadLeft = length;
      if (opcode == 8 && length < 2 && closeCode < 0) {
        closeCode = 1005; // a close frame without a code
        count(group.closeCodes, closeCode);
      }
    }
  }

  private void count(java.util.Map<Integer, AtomicInteger> counts, int key) {
    counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    group.changed = true;
  }

  /** The connection ended (closed by the server, reset, or closed by the test). */
  void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (reading == Reading.REFUSAL || (reading == Reading.HEAD && answer.size() > 0)) {
      group.answers.putIfAbsent(status, answer.toString(StandardCharsets.ISO_8859_1));
    }
    out.clear();
    writing = null;
    if (key != null) {
      key.cancel();
    }
    Crowd.closeQuietly(channel);
    group.ended.incrementAndGet();
    group.changed = true;
  }
}
