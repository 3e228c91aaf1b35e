package dev.signaling.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread that owns many {@link WsConn}s: it connects, reads, parses frames, calls its
 * {@link Handler}, and writes. Frames a handler sends from this thread are collected and written
 * once per loop turn, so the load generator pays one write per connection per turn, not one per
 * frame. Other threads talk to it through {@link #execute}.
 */
final class Loop implements AutoCloseable {

  /** What a loop does with its connections. Every method runs on the loop's thread. */
  interface Handler {
    /** The WebSocket upgrade of {@code c} completed. */
    default void onOpen(WsConn c) {}

    /** One complete text or binary message; the bytes are only valid during the call. */
    void onMessage(WsConn c, byte[] buf, int off, int len);

    /** The connection is gone (closed by the server, reset, or by us). */
    default void onClose(WsConn c) {}

    /**
     * Called once per loop turn.
     *
     * @return nanoseconds until the handler wants the next call at the latest
     */
    default long onTick(long now) {
      return TimeUnit.MILLISECONDS.toNanos(50);
    }
  }

  final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<WsConn> dirty = new ArrayList<>();
  /** Where a connection with no partial frame reads (see {@link WsConn}); loop thread only. */
  private final ByteBuffer sharedRead = ByteBuffer.allocate(1 << 20);
  private volatile boolean running = true;
  private volatile Handler handler;
  private ServerSocketChannel server;

  Loop(String name, Handler handler) {
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.handler = handler;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
  }

  /** Starts the loop's thread (not in the constructor: the handler may be the loop's owner). */
  Loop start() {
    thread.start();
    return this;
  }

  Handler handler() {
    return handler;
  }

  void handler(Handler handler) {
    this.handler = handler;
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Runs a task on the loop's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  /** Starts a client connection to {@code address}; on the loop thread. */
  WsConn connect(InetSocketAddress address, int index) {
    try {
      SocketChannel ch = SocketChannel.open();
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      WsConn c = new WsConn(this, ch, true, index);
      boolean connected = ch.connect(address);
      c.key = ch.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
      if (connected) {
        c.sendHandshake(address);
      } else {
        c.address = address;
      }
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes this loop accept server-role connections on a bound channel (the raw server). */
  void serve(ServerSocketChannel channel) {
    execute(() -> {
      try {
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_ACCEPT);
        server = channel;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /** The loop's read buffer, cleared; its contents are gone at the next call. */
  ByteBuffer sharedReadBuffer() {
    return sharedRead.clear();
  }

  /** Called by a connection that has frames to write at the end of this turn. */
  void markDirty(WsConn c) {
    dirty.add(c);
  }

  private void run() {
    int accepted = 0;
    while (running) {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
      try {
        long waitNanos = handler.onTick(System.nanoTime());
        flushDirty();
        if (waitNanos <= 0) {
          selector.selectNow();
        } else {
          selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.isAcceptable()) {
            SocketChannel ch;
            while ((ch = server.accept()) != null) {
              ch.configureBlocking(false);
              ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
              WsConn c = new WsConn(this, ch, false, accepted++);
              c.key = ch.register(selector, SelectionKey.OP_READ, c);
            }
            continue;
          }
          WsConn c = (WsConn) key.attachment();
          try {
            if (key.isConnectable()) {
              c.finishConnect();
            }
            if (key.isValid() && key.isReadable()) {
              c.onReadable(handler);
            }
            if (key.isValid() && key.isWritable()) {
              c.onWritable();
            }
          } catch (IOException e) {
            c.close(handler);
          }
        }
        flushDirty();
      } catch (IOException e) {
        if (running) {
          throw new UncheckedIOException(e);
        }
      }
    }
    for (SelectionKey key : selector.keys()) {
      if (key.attachment() instanceof WsConn c) {
        c.closeQuietly();
      }
    }
    try {
      selector.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private void flushDirty() {
    for (int i = 0; i < dirty.size(); i++) {
      WsConn c = dirty.get(i);
      try {
        c.flush();
      } catch (IOException e) {
        c.close(handler);
      }
    }
    dirty.clear();
  }

  /** Stops the thread and closes every connection it owns. */
  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
