package dev.signaling.benchmarks;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code n} client connections on one generator thread: it connects them, registers each as a
 * node (ids of one length, e.g. {@code n00042}), and counts a node as <em>settled</em> once its
 * latest {@code participants} list names all {@code n} nodes (servers that send full lists) or
 * once it got its answer (servers that only answer the registrant). Workloads extend it.
 */
class ClientGroup implements Loop.Handler, AutoCloseable {

  final Loop loop;
  final InetSocketAddress address;
  final int n;
  final WsConn[] conns;
  final String[] ids;
  private final byte[][] registers;
  private final boolean fullLists;
  private final int entryLength;
  private final boolean[] settled;
  private final CountDownLatch allSettled;
  final AtomicInteger closedByServer = new AtomicInteger();
  final AtomicInteger errors = new AtomicInteger();
  /** Close code → connections the server closed with it (1006: no close frame). */
  final Map<Integer, Integer> closeCodes = new ConcurrentHashMap<>();
  volatile String firstError;
  /** When the last upgrade of this group completed ({@link System#nanoTime()}). */
  volatile long lastOpenNanos;
  private volatile boolean closing;

  /**
   * @param idPrefix a letter; ids are the prefix and {@code digits} digits of the node's index
   */
  ClientGroup(String name, int port, int n, String idPrefix, int digits, boolean fullLists) {
    this.address = new InetSocketAddress("127.0.0.1", port);
    this.n = n;
    this.conns = new WsConn[n];
    this.ids = new String[n];
    this.registers = new byte[n][];
    for (int i = 0; i < n; i++) {
      ids[i] = id(idPrefix, digits, i);
      registers[i] = ("{\"type\":\"register\",\"nodeId\":\"" + ids[i] + "\",\"username\":\"" + ids[i] + "\"}")
          .getBytes(StandardCharsets.US_ASCII);
    }
    this.fullLists = fullLists;
    this.entryLength = ("{\"nodeId\":\"" + ids[0] + "\",\"username\":\"" + ids[0] + "\"}").length();
    this.settled = new boolean[n];
    this.allSettled = new CountDownLatch(n);
    this.loop = new Loop(name, this);
  }

  static String id(String prefix, int digits, int index) {
    StringBuilder sb = new StringBuilder(prefix);
    String number = Integer.toString(index);
    for (int i = number.length(); i < digits; i++) {
      sb.append('0');
    }
    return sb.append(number).toString();
  }

  /** Opens every connection at once; each registers as soon as its upgrade completes. */
  ClientGroup connectAll() {
    loop.start();
    loop.execute(() -> {
      for (int i = 0; i < n; i++) {
        conns[i] = loop.connect(address, i);
      }
    });
    return this;
  }

  /** Waits until every node is settled; false on timeout. */
  boolean awaitSettled(long timeout, TimeUnit unit) throws InterruptedException {
    return allSettled.await(timeout, unit);
  }

  int settledCount() {
    return (int) (n - allSettled.getCount());
  }

  @Override
  public void onOpen(WsConn c) {
    lastOpenNanos = System.nanoTime();
    c.send(registers[c.index]);
  }

  @Override
  public final void onMessage(WsConn c, byte[] buf, int off, int len) {
    int type = Wire.type(buf, off, len);
    switch (type) {
      case Wire.PARTICIPANTS -> participants(c, buf, off, len);
      case Wire.ERROR -> {
        errors.incrementAndGet();
        if (firstError == null) {
          firstError = new String(buf, off, len, StandardCharsets.UTF_8);
        }
      }
      default -> onOther(c, type, buf, off, len);
    }
  }

  /** A message other than participants or error. */
  void onOther(WsConn c, int type, byte[] buf, int off, int len) {}

  private void participants(WsConn c, byte[] buf, int off, int len) {
    int i = c.index;
    if (settled[i]) {
      return;
    }
    if (fullLists) {
      // Every entry has the same length here, so the size tells the count; a full scan confirms it.
      int count = (len - Wire.PARTICIPANTS_PREFIX.length() - 2 + 1) / (entryLength + 1);
      if (count != n || Wire.count(buf, off, off + len, Wire.NODE_ID_KEY) != n) {
        return;
      }
    }
    settled[i] = true;
    allSettled.countDown();
  }

  @Override
  public void onClose(WsConn c) {
    if (!closing) {
      closedByServer.incrementAndGet();
      closeCodes.merge(c.closeCode, 1, Integer::sum);
    }
  }

  /** Closes every connection (without waiting for close handshakes) and stops the thread. */
  @Override
  public void close() {
    closing = true;
    loop.close();
  }
}
