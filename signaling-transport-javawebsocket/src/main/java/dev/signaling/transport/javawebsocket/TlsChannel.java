package dev.signaling.transport.javawebsocket;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.java_websocket.WrappedByteChannel;

/**
 * TLS between Java-WebSocket and the socket: the library reads and writes plaintext through this
 * channel, exactly as through {@link CountingChannel}, so everything above it (the HTTP head
 * parsing, {@code /health}, limits, frames) is the same with and without TLS.
 *
 * <p>Written instead of the library's {@code SSLSocketChannel2}, which (in 1.6.0) reports
 * ciphertext bytes as written, can leave encrypted bytes unsent once the library's queue is
 * empty (it then re-wraps its own output buffer), runs the engine's tasks on an extra executor,
 * and spins while a handshake waits for the network.
 *
 * <p><b>Writes.</b> The library writes from its queue of plaintext buffers and forgets a buffer
 * once it has no bytes left; it stops watching for writability once its queue is empty. So a
 * buffer must not look finished while its last TLS record still waits for the socket: when a
 * record cannot be written whole, the last byte it encrypted stays "unread" in the buffer (the
 * library keeps the buffer and its write interest) and is skipped on the next call, after the
 * record has gone out. Plaintext bytes are reported to {@link SignalingSocket#written} only when
 * their record has reached the socket, so {@code queuedBytes()} stays exact.
 *
 * <p><b>Threads.</b> Java-WebSocket's selector thread reads and writes; {@link #close()} may come
 * from any thread, so the engine and buffers are guarded by this object's lock. Bytes written are
 * reported outside the lock, because that report may call back into the hub. The engine's
 * delegated task (the handshake's key exchange and signature) runs inline on the selector thread:
 * measured at about 1.5 ms per TLS 1.3 handshake with a P-256 key on a 2-core machine, during
 * which other connections wait. It is not handed to another thread because the library offers a
 * channel no way to be read again once such a task ends: ciphertext that arrived with the
 * handshake (TLS 1.2 False Start sends the HTTP request right behind it) would wait for the next
 * packet, which the client never sends.
 *
 * <p>Memory: three buffers of about one TLS record (16 KiB) each per connection.
 */
final class TlsChannel implements WrappedByteChannel {

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  /**
   * The largest any buffer may grow, in TLS records: enough for any legal record and a handshake
   * flight, and a bound on what a peer that never reads can make us keep.
   */
  private static final int MAX_BUFFER_RECORDS = 4;

  private final SocketChannel channel;
  private final SSLEngine engine;
  private final SignalingSocket socket;
  private final SelectionKey key;

  // Every buffer is kept in "fill" mode: bytes [0, position) are the content.
  /** Ciphertext received and not yet decrypted. */
  private ByteBuffer netIn;
  /** Plaintext decrypted and not yet returned to the library. */
  private ByteBuffer appIn;
  /** Ciphertext waiting for the socket. */
  private ByteBuffer netOut;

  /** Plaintext bytes inside {@link #netOut}, reported as written once it is empty. */
  private long plaintextInNetOut;
  /** The buffer whose last byte was held back, and how many bytes to skip in it. */
  private ByteBuffer heldBuffer;
  private int held;
  /** The engine needs more ciphertext than {@link #netIn} holds before it can go on. */
  private boolean underflow;
  /** The peer's close_notify arrived, or the socket reached end of stream. */
  private boolean inboundDone;

  TlsChannel(SocketChannel channel, SSLEngine engine, SignalingSocket socket, SelectionKey key) {
    this.channel = channel;
    this.engine = engine;
    this.socket = socket;
    this.key = key;
    int packet = engine.getSession().getPacketBufferSize();
    this.netIn = ByteBuffer.allocate(packet);
    this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    this.netOut = ByteBuffer.allocate(packet);
  }

  // ------------------------------------------------------------------ reading

  @Override
  public int read(ByteBuffer dst) throws IOException {
    long written;
    int result;
    synchronized (this) {
      try {
        result = readBuffered(dst);
        if (result == 0 && !inboundDone) {
          if (!netIn.hasRemaining()) {
            netIn = grow(netIn); // a record larger than the buffer: the engine said underflow
          }
          int read = channel.read(netIn);
          if (read < 0) {
            inboundDone = true;
            closeInboundQuietly();
            result = -1;
          } else if (read > 0) {
            underflow = false;
            result = readBuffered(dst);
          }
        }
      } catch (RuntimeException e) {
        throw connectionOnly(e);
      }
      written = takeWritten();
    }
    report(written);
    return result;
  }

  @Override
  public int readMore(ByteBuffer dst) throws IOException {
    long written;
    int result;
    synchronized (this) {
      try {
        result = readBuffered(dst);
      } catch (RuntimeException e) {
        throw connectionOnly(e);
      }
      written = takeWritten();
    }
    report(written);
    return result;
  }

  @Override
  public synchronized boolean isNeedRead() {
    return appIn.position() > 0 || (netIn.position() > 0 && !underflow && !inboundDone);
  }

  /**
   * Returns plaintext already decrypted, decrypting more from {@link #netIn} as needed; {@code -1}
   * once the peer closed TLS and nothing is left.
   */
  private int readBuffered(ByteBuffer dst) throws IOException {
    int n = drain(dst);
    if (dst.hasRemaining() && !underflow && !inboundDone) {
      decrypt();
      n += drain(dst);
    }
    if (n == 0 && inboundDone && appIn.position() == 0) {
      return -1;
    }
    return n;
  }

  private int drain(ByteBuffer dst) {
    if (appIn.position() == 0) {
      return 0;
    }
    appIn.flip();
    int n = Math.min(appIn.remaining(), dst.remaining());
    ByteBuffer slice = appIn.duplicate();
    slice.limit(appIn.position() + n);
    dst.put(slice);
    appIn.position(appIn.position() + n);
    appIn.compact();
    return n;
  }

  /** Runs the engine over the received ciphertext until it needs more, or plaintext is waiting. */
  private void decrypt() throws IOException {
    netIn.flip();
    try {
      while (true) {
        HandshakeStatus status = engine.getHandshakeStatus();
        if (status == HandshakeStatus.NEED_TASK) {
          runTasks();
          continue;
        }
        if (status == HandshakeStatus.NEED_WRAP) {
          if (!wrapHandshake()) {
            underflow = true; // the engine has nothing to say after all: wait for the peer
            return;
          }
          continue;
        }
        if (!netIn.hasRemaining()) {
          underflow = true;
          break;
        }
        SSLEngineResult result = engine.unwrap(netIn, appIn);
        switch (result.getStatus()) {
          case OK -> {
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0
                && result.getHandshakeStatus() != HandshakeStatus.NEED_TASK
                && result.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
              underflow = true; // nothing to be done with what we have
              return;
            }
          }
          case BUFFER_UNDERFLOW -> {
            underflow = true;
            return;
          }
          case BUFFER_OVERFLOW -> {
            if (appIn.position() > 0) {
              return; // the library takes what is there first
            }
            appIn = grow(appIn);
          }
          case CLOSED -> {
            inboundDone = true;
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
              wrapHandshake(); // our close_notify in answer
            }
            return;
          }
        }
      }
    } finally {
      netIn.compact();
      flushFromReadPath();
    }
  }

  /**
   * Wraps what the handshake (or a post-handshake message) needs to send. Returns whether it
   * produced anything, so that the caller can stop when the engine has nothing to say.
   */
  private boolean wrapHandshake() throws IOException {
    while (true) {
      SSLEngineResult result = engine.wrap(EMPTY, netOut);
      if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
        netOut = grow(netOut); // the peer has not read the last flight yet
        continue;
      }
      if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
        runTasks();
      }
      return result.bytesProduced() > 0;
    }
  }

  private void runTasks() {
    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
      task.run();
    }
  }

  /** The read path produced output: send it, or ask the selector to wait for writability. */
  private void flushFromReadPath() throws IOException {
    if (!flush()) {
      try {
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
      } catch (CancelledKeyException e) {
        // Closed meanwhile: nothing more will be written.
      }
    }
  }

  private void closeInboundQuietly() {
    try {
      engine.closeInbound();
    } catch (SSLException e) {
      // The peer ended TCP without close_notify: normal for many clients once a WebSocket closed.
    }
  }

  // ------------------------------------------------------------------ writing

  @Override
  public int write(ByteBuffer src) throws IOException {
    long written;
    int consumed;
    synchronized (this) {
      try {
        consumed = encrypt(src);
      } catch (RuntimeException e) {
        throw connectionOnly(e);
      }
      written = takeWritten();
    }
    report(written);
    return consumed;
  }

  private int encrypt(ByteBuffer src) throws IOException {
    int start = src.position();
    if (!flush()) {
      return 0;
    }
    if (held > 0) {
      // The record that held these bytes has been written now.
      if (src == heldBuffer) {
        src.position(src.position() + held);
      }
      held = 0;
      heldBuffer = null;
    }
    while (src.hasRemaining()) {
      int before = src.position();
      SSLEngineResult result = engine.wrap(src, netOut);
      plaintextInNetOut += src.position() - before;
      switch (result.getStatus()) {
        case CLOSED -> throw new EOFException("TLS connection closed");
        case BUFFER_OVERFLOW -> {
          // netOut was empty (flushed above and after every record): it is too small.
          netOut = grow(netOut);
          continue;
        }
        default -> {
          if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
            runTasks();
          }
        }
      }
      if (!flush()) {
        if (!src.hasRemaining() && src.position() > before) {
          src.position(src.position() - 1);
          held = 1;
          heldBuffer = src;
        }
        break;
      }
    }
    return src.position() - start;
  }

  @Override
  public synchronized boolean isNeedWrite() {
    return netOut.position() > 0;
  }

  @Override
  public void writeMore() throws IOException {
    long written;
    synchronized (this) {
      try {
        flush();
      } catch (RuntimeException e) {
        throw connectionOnly(e);
      }
      written = takeWritten();
    }
    report(written);
  }

  /** Writes what {@link #netOut} holds; whether it is empty now. */
  private boolean flush() throws IOException {
    if (netOut.position() == 0) {
      return true;
    }
    netOut.flip();
    try {
      channel.write(netOut);
    } finally {
      netOut.compact();
    }
    return netOut.position() == 0;
  }

  /** Plaintext bytes whose records have all reached the socket since the last call. */
  private long takeWritten() {
    if (netOut.position() > 0 || plaintextInNetOut == 0) {
      return 0;
    }
    long bytes = plaintextInNetOut;
    plaintextInNetOut = 0;
    return bytes;
  }

  private void report(long bytes) {
    if (bytes > 0) {
      socket.written((int) Math.min(Integer.MAX_VALUE, bytes));
    }
  }

  // ------------------------------------------------------------------ the rest

  /** Sends close_notify if the socket takes it at once, then closes the socket. */
  @Override
  public synchronized void close() throws IOException {
    try {
      if (channel.isOpen() && !engine.isOutboundDone()) {
        engine.closeOutbound();
        if (netOut.position() == 0) {
          engine.wrap(EMPTY, netOut);
          flush();
        }
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: the socket is closed below in any case.
    } finally {
      channel.close();
    }
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public boolean isBlocking() {
    return channel.isBlocking();
  }

  /**
   * An engine failure as an {@link IOException}: Java-WebSocket's selector thread stops the whole
   * server on a runtime exception, but drops just this connection on an I/O error.
   */
  private static IOException connectionOnly(RuntimeException e) {
    return new SSLException("TLS failure: " + e, e);
  }

  /** A buffer twice as large with the same content; fails past {@link #MAX_BUFFER_RECORDS}. */
  private ByteBuffer grow(ByteBuffer buffer) throws IOException {
    int max = MAX_BUFFER_RECORDS * engine.getSession().getPacketBufferSize();
    if (buffer.capacity() >= max) {
      throw new IOException("TLS buffer would exceed " + max + " bytes");
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.min(max, buffer.capacity() * 2));
    buffer.flip();
    bigger.put(buffer);
    return bigger;
  }
}
