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
  private static final int OP_TEXT = 1;
  private static final int OP_CLOSE = 8;
  private static final int OP_PING = 9;

  final CrowdGroup group;
  final SocketChannel channel;
  SelectionKey key;
  /** Written by the crowd's thread only; read by {@link CrowdGroup#finished}. */
  volatile boolean ended;
  volatile long sent;

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
  /** The first bytes of the frame being read: a control frame's whole payload, a text's start. */
  private final byte[] payloadStart = new byte[CrowdGroup.MAX_WATCHED];
  private int payloadStartLength;
  private int closeCode = -1;
  /** The group's watches (by index) this connection has matched at least once. */
  final java.util.BitSet matched = new java.util.BitSet();
  /** Bytes a rate-limited connection may read now, and when that was computed. */
  private double allowance;
  private long allowanceAt;
  /** When a paused rate-limited connection reads again. */
  long resumeAt;

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
      sent += n;
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

  /**
   * How many bytes this connection may read now, at most {@code max}: all of them, or for a group
   * that reads at a bounded rate what its allowance holds (refilled with time, a twentieth of a
   * second's worth at most, so that reads stay smooth).
   */
  int readAllowance(long now, int max) {
    long rate = group.readRate;
    if (rate == 0) {
      return max;
    }
    allowance = Math.min(burst(rate), allowance + rate * ((now - allowanceAt) / 1e9));
    allowanceAt = now;
    return (int) Math.min(max, (long) allowance);
  }

  private static double burst(long rate) {
    return Math.max(4096, rate / 20.0);
  }

  /** Stops reading until the allowance is refilled; the group resumes it ({@link CrowdGroup#runPeriodic}). */
  void pauseReading(long now) {
    key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
    double target = Math.min(burst(group.readRate), 4096);
    resumeAt = now + (long) ((target - allowance) * 1e9 / group.readRate);
    group.paused.add(this);
  }

  void resumeReading() {
    if (!ended && key.isValid()) {
      key.interestOps(key.interestOps() | SelectionKey.OP_READ);
    }
  }

  /** {@code n} bytes were read from the server. */
  void read(int n) {
    allowance -= n;
    group.bytesReceived.addAndGet(n);
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

  /**
   * Follows the server's frames (unmasked): records a close frame's code, hands text frames to
   * the group's watches, and answers pings when the group does.
   */
  private void readFrames(ByteBuffer bytes) {
    while (bytes.hasRemaining()) {
      if (payloadLeft > 0) {
        int n = (int) Math.min(payloadLeft, bytes.remaining());
        int keep = Math.min(n, payloadStart.length - payloadStartLength);
        bytes.get(payloadStart, payloadStartLength, keep);
        payloadStartLength += keep;
        bytes.position(bytes.position() + n - keep);
        payloadLeft -= n;
        if (payloadLeft == 0) {
          frameEnded();
        }
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
      payloadStartLength = 0;
      if (length == 0) {
        frameEnded();
      }
    }
  }

  /** A frame's payload has all been read; its start is in {@link #payloadStart}. */
  private void frameEnded() {
    switch (opcode) {
      case OP_TEXT -> group.textReceived(payloadStart, payloadStartLength, this);
      case OP_PING -> {
        if (group.answersPings) {
          queue(Frames.frame(Frames.PONG, java.util.Arrays.copyOf(payloadStart, payloadStartLength)), 1);
        }
      }
      case OP_CLOSE -> {
        if (closeCode < 0) {
          closeCode = payloadStartLength < 2 ? 1005 // a close frame without a code
              : ((payloadStart[0] & 0xFF) << 8) | (payloadStart[1] & 0xFF);
          count(group.closeCodes, closeCode);
        }
      }
      default -> {
        // continuation, binary, pong: not looked at
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
