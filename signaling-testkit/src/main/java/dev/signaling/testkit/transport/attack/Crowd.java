package dev.signaling.testkit.transport.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An attacker: hundreds to thousands of raw TCP connections to one server, all driven by one NIO
 * thread. Connections come in {@link CrowdGroup}s that behave alike: each group is opened from one
 * local address (any of {@code 127.0.0.0/8} on Linux, so that a test can play several remote
 * addresses), sends what the test tells it (once, streamed, or periodically), and either reads
 * everything the server sends (recording the HTTP status and any close frame) or never reads.
 *
 * <pre>{@code
 * try (Crowd crowd = Crowd.start(server.address())) {
 *   CrowdGroup stalled = crowd.connect(200, Crowd.LOOPBACK, true);
 *   stalled.send(Frames.upgradeRequest());
 *   stalled.send(Frames.header(0x81, 1 << 20));   // the 14-byte header of a 1 MiB frame, then nothing
 *   stalled.await(g -> g.upgraded() == 200, Duration.ofSeconds(10));
 * }
 * }</pre>
 */
public final class Crowd implements AutoCloseable {

  /** The default local address. */
  public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final InetSocketAddress target;
  private final Selector selector;
  private final Thread thread;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final List<CrowdGroup> groups = new ArrayList<>();
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
  private volatile boolean closed;

  private Crowd(InetSocketAddress target) throws IOException {
    this.target = target;
    this.selector = Selector.open();
    this.thread = new Thread(this::run, "crowd-" + target.getPort());
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts the crowd's thread; connections are opened by {@link #connect}. */
  public static Crowd start(InetSocketAddress target) {
    try {
      return new Crowd(Objects.requireNonNull(target, "target"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Another loopback address, {@code 127.0.0.n}: a remote address of its own for the server. */
  public static InetAddress loopback(int n) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Opens {@code count} connections from {@code localAddress}; returns at once (they connect on
   * the crowd's thread: await {@link CrowdGroup#connected()}).
   *
   * @param reads whether the group reads what the server sends; a group that never reads lets the
   *     server's queue for it grow
   */
  public CrowdGroup connect(int count, InetAddress localAddress, boolean reads) {
    return connect(new CrowdGroup(this, count, reads, 0), localAddress);
  }

  /**
   * Opens {@code count} clients on a slow link from {@code localAddress}: each reads at most
   * {@code bytesPerSecond} through a 64 KiB receive buffer (so that what the server sends beyond
   * that waits in the server, as it would for a client far away), and answers the server's pings.
   */
  public CrowdGroup connectReadingAt(int count, InetAddress localAddress, long bytesPerSecond) {
    if (bytesPerSecond <= 0) {
      throw new IllegalArgumentException("bytesPerSecond must be > 0: " + bytesPerSecond);
    }
    return connect(new CrowdGroup(this, count, true, bytesPerSecond), localAddress);
  }

  private CrowdGroup connect(CrowdGroup group, InetAddress localAddress) {
    int count = group.size;
    submit(() -> {
      groups.add(group);
      for (int i = 0; i < count; i++) {
        open(group, localAddress);
      }
    });
    return group;
  }

  private void open(CrowdGroup group, InetAddress localAddress) {
    SocketChannel channel = null;
    try {
      channel = SocketChannel.open();
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (!group.reads) {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // a backlog builds up at once
      } else if (group.readRate > 0) {
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 64 * 1024);
      }
      channel.bind(new InetSocketAddress(localAddress, 0));
      CrowdPeer peer = new CrowdPeer(group, channel);
      group.peers.add(peer);
      if (channel.connect(target)) {
        connected(peer, channel.register(selector, 0, peer));
      } else {
        channel.register(selector, SelectionKey.OP_CONNECT, peer);
      }
    } catch (IOException e) {
      group.failedToConnect.incrementAndGet();
      closeQuietly(channel);
      group.changed = true;
    }
  }

  /** Runs {@code task} on the crowd's thread. */
  void submit(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private void run() {
    try {
      while (!closed) {
        long next = Long.MAX_VALUE;
        long now = System.nanoTime();
        for (CrowdGroup g : groups) {
          next = Math.min(next, g.runPeriodic(now));
        }
        long waitMillis = next == Long.MAX_VALUE ? 0 : Math.max(1, (next - now) / 1_000_000);
        selector.select(waitMillis);
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
          task.run();
        }
        Set<SelectionKey> keys = selector.selectedKeys();
        for (SelectionKey key : keys) {
          handle(key);
        }
        keys.clear();
        for (CrowdGroup g : groups) {
          g.notifyIfChanged();
        }
      }
    } catch (IOException | ClosedSelectorException e) {
      // closed
    } finally {
      for (CrowdGroup g : groups) {
        g.peers.forEach(CrowdPeer::end);
        g.notifyIfChanged();
      }
    }
  }

  private void handle(SelectionKey key) {
    CrowdPeer peer = (CrowdPeer) key.attachment();
    try {
      if (!key.isValid()) {
        return;
      }
      if (key.isConnectable()) {
        ((SocketChannel) key.channel()).finishConnect();
        connected(peer, key);
        return;
      }
      if (key.isReadable()) {
        long now = System.nanoTime();
        int room = peer.readAllowance(now, readBuffer.capacity());
        if (room == 0) {
          peer.pauseReading(now);
        } else {
          readBuffer.clear().limit(room);
          int n = peer.channel.read(readBuffer);
          if (n < 0) {
            peer.end();
            return;
          }
          peer.read(n);
          readBuffer.flip();
          peer.received(readBuffer);
        }
      }
      if (key.isValid() && key.isWritable()) {
        peer.flush();
      }
    } catch (IOException | java.nio.channels.CancelledKeyException e) {
      peer.end();
    }
  }

  private void connected(CrowdPeer peer, SelectionKey key) throws IOException {
    peer.key = key;
    peer.group.connected.incrementAndGet();
    peer.group.changed = true;
    key.interestOps(peer.group.reads ? SelectionKey.OP_READ : 0);
    peer.flush();
  }

  static void closeQuietly(SocketChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  /** Closes every connection and stops the thread. */
  @Override
  public void close() {
    closed = true;
    selector.wakeup();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
      selector.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
