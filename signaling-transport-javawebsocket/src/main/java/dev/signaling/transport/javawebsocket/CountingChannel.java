package dev.signaling.transport.javawebsocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The socket channel as Java-WebSocket sees it. It reports every write to its {@link
 * SignalingSocket} (the only place where we learn that queued bytes reached the socket), and it
 * turns the library's one system call per queued frame into one gathering write of the frames
 * queued behind it.
 *
 * <p>Only the selector thread writes, always starting with the head of the socket's queue; the
 * library then polls the buffers this write emptied, and hands us the next one that still has
 * bytes (an already written buffer costs no system call).
 */
final class CountingChannel implements ByteChannel {

  /** Buffers and bytes one gathering write takes at most. */
  static final int MAX_BUFFERS = 64;
  static final long MAX_BYTES = 256 * 1024;

  private final SocketChannel channel;
  private final SignalingSocket socket;
  /** Shared by every channel of the endpoint: only its selector thread writes. */
  private final ByteBuffer[] batch;

  CountingChannel(SocketChannel channel, SignalingSocket socket, ByteBuffer[] batch) {
    this.channel = channel;
    this.socket = socket;
    this.batch = batch;
  }

  /** The array that {@link #CountingChannel}s of one selector thread share. */
  static ByteBuffer[] newBatch() {
    return new ByteBuffer[MAX_BUFFERS];
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!src.hasRemaining()) {
      return 0; // written by an earlier gathering write
    }
    int count = gather(src);
    long written;
    try {
      written = count == 1 ? channel.write(src) : channel.write(batch, 0, count);
    } finally {
      Arrays.fill(batch, 0, count, null);
    }
    if (written > 0) {
      socket.written(written);
    }
    return (int) Math.min(written, Integer.MAX_VALUE);
  }

  /** Puts {@code src} and the buffers queued right behind it into {@link #batch}. */
  private int gather(ByteBuffer src) {
    batch[0] = src;
    int count = 1;
    Iterator<ByteBuffer> queued = socket.outQueue.iterator();
    if (!queued.hasNext() || queued.next() != src) {
      return 1; // not the head of the queue: write it alone
    }
    long bytes = src.remaining();
    while (count < MAX_BUFFERS && bytes < MAX_BYTES && queued.hasNext()) {
      ByteBuffer next = queued.next();
      batch[count++] = next;
      bytes += next.remaining();
    }
    return count;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
