package dev.signaling.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code connect}: a reconnect storm, as a P2P network makes after a deploy, a crash or a network
 * blip. {@code n} connections are opened with at most {@code window} upgrades in flight (a new one
 * starts as soon as one completes); then all are dropped at once (the generator closes every
 * socket: a FIN and no close frame, as when the clients' process or network goes away) and one
 * more connection is opened right away. The figures: the time from the first connect until every
 * upgrade completed, and the time from the drop until that one more upgrade completed (retried
 * every 5 ms if the server refuses it or drops it unanswered). Each part has the timeout given.
 *
 * <p>The connections never register: the figure is the transport's (accepts, handshakes,
 * closes), not the core's. Registering would add a {@code presence} to every registered node per
 * join, N² messages, and the ceiling would answer each register with a list of all nodes so far.
 * A cycle of the same size runs first, so that the server's code is compiled: after a cycle of
 * {@code n / 9} (the warm-up until then), the JIT compilers still took about 40% of a one-core
 * server's CPU all through the measured storm, the drop included (perf).
 */
final class ConnectWorkload implements Loop.Handler, AutoCloseable {

  /** Upgrades in flight at a time, as in the measurement. */
  static final int WINDOW = 250;
  /** Descriptors the generator needs besides its connections (JDK, class path, selector). */
  private static final int SPARE_DESCRIPTORS = 200;
  private static final long PROBE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /**
   * The result of one storm (times in milliseconds; NaN when that part did not complete):
   * {@code failed} counts connections that never upgraded, {@code closedByServer} open ones the
   * server closed before the drop, {@code probeAttempts} the connections it took after the drop.
   */
  record Result(int n, int window, double openMillis, double dropMillis, double acceptAfterDropMillis,
      int probeAttempts, int failed, int closedByServer, double serverCpuSeconds, double generatorCpuSeconds,
      String problems) {}

  private final Loop loop;
  private final InetSocketAddress address;
  private final int n;
  private final int window;
  private final WsConn[] conns;
  private final CountDownLatch allOpened = new CountDownLatch(1);
  private final CountDownLatch probeOpened = new CountDownLatch(1);
  /** Loop thread only, until published through the latches. */
  private int next;
  private int inFlight;
  private int opened;
  private int failed;
  private int closedByServer;
  private boolean dropped;
  private WsConn probe;
  private int probeAttempts;
  private long probeRetryAt;
  private long t0;
  private long lastOpen;
  private long dropStart;
  private long dropEnd;
  private long probeOpen;

  private ConnectWorkload(int port, int n, int window) {
    this.address = new InetSocketAddress(ServerKind.HOST, port);
    this.n = n;
    this.window = window;
    this.conns = new WsConn[n];
    this.loop = new Loop("connect", this);
  }

  static Result run(Target target, int n, int window, long timeoutSeconds) throws Exception {
    checkDescriptors(n);
    try (ConnectWorkload warm = new ConnectWorkload(target.port(), n, window)) {
      warm.cycle(timeoutSeconds);
    }
    try (ConnectWorkload storm = new ConnectWorkload(target.port(), n, window)) {
      long s0 = target.cpuNanos();
      long g0 = Cpu.selfNanos();
      boolean allOpen = storm.cycle(timeoutSeconds);
      double serverCpu = s0 < 0 ? Double.NaN : (target.cpuNanos() - s0) / 1e9;
      double generatorCpu = (Cpu.selfNanos() - g0) / 1e9;
      return storm.result(allOpen, serverCpu, generatorCpu, "server " + target.statsOrWhyNot());
    }
  }

  /**
   * Every connection of a storm is a file descriptor on both sides, and a local port: refuses to
   * start when this JVM's descriptor limit (which the server JVM inherits) cannot hold them.
   */
  static void checkDescriptors(int n) throws IOException {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os
        && os.getMaxFileDescriptorCount() < n + SPARE_DESCRIPTORS) {
      throw new IllegalStateException("connect: " + n + " connections need at least " + (n + SPARE_DESCRIPTORS)
          + " file descriptors, the limit is " + os.getMaxFileDescriptorCount() + ": raise it (ulimit -n) first");
    }
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    if (Files.isReadable(range)) {
      // readAllLines: Files.readString reads a /proc file wrongly (its size is 0)
      String[] bounds = Files.readAllLines(range).get(0).trim().split("\\s+");
      int ports = Integer.parseInt(bounds[1]) - Integer.parseInt(bounds[0]) + 1;
      if (ports < n + SPARE_DESCRIPTORS) {
        throw new IllegalStateException("connect: " + n + " connections need as many local ports, the range "
            + "(net.ipv4.ip_local_port_range) has " + ports);
      }
    }
  }

  /** Opens all, drops all, opens one more; true if all opened before the timeout. */
  private boolean cycle(long timeoutSeconds) throws InterruptedException {
    loop.start();
    loop.execute(this::begin);
    boolean allOpen = allOpened.await(timeoutSeconds, TimeUnit.SECONDS);
    loop.execute(this::drop);
    probeOpened.await(timeoutSeconds, TimeUnit.SECONDS);
    return allOpen;
  }

  private Result result(boolean allOpen, double serverCpu, double generatorCpu, String serverStats)
      throws InterruptedException {
    CountDownLatch read = new CountDownLatch(1);
    Result[] result = new Result[1];
    loop.execute(() -> {
      result[0] = new Result(n, window,
          allOpen && failed == 0 ? (lastOpen - t0) / 1e6 : Double.NaN,
          dropEnd == 0 ? Double.NaN : (dropEnd - dropStart) / 1e6,
          probeOpen == 0 ? Double.NaN : (probeOpen - dropEnd) / 1e6,
          probeAttempts, failed, closedByServer, serverCpu, generatorCpu,
          serverStats + "; opened " + opened + " of " + n);
      read.countDown();
    });
    read.await(10, TimeUnit.SECONDS);
    return result[0];
  }

  private void begin() {
    t0 = System.nanoTime();
    refill();
  }

  private void refill() {
    while (inFlight < window && next < n) {
      int i = next++;
      try {
        conns[i] = loop.connect(address, i);
        inFlight++;
      } catch (UncheckedIOException e) {
        failed++; // no local port or descriptor left: counted, the storm goes on
      }
    }
    if (opened + failed == n && !dropped) {
      allOpened.countDown();
    }
  }

  /** Closes every connection at once; deregistering them is what closes the sockets. */
  private void drop() {
    dropped = true;
    dropStart = System.nanoTime();
    for (WsConn c : conns) {
      if (c != null) {
        c.closeQuietly();
      }
    }
    try {
      loop.selector.selectNow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    dropEnd = System.nanoTime();
    openProbe();
  }

  private void openProbe() {
    probeAttempts++;
    probeRetryAt = 0;
    try {
      probe = loop.connect(address, -1);
    } catch (UncheckedIOException e) {
      probeRetryAt = System.nanoTime() + PROBE_RETRY_NANOS;
    }
  }

  @Override
  public void onOpen(WsConn c) {
    long now = System.nanoTime();
    if (c == probe) {
      probeOpen = now;
      probeOpened.countDown();
      return;
    }
    opened++;
    inFlight--;
    lastOpen = now;
    refill();
  }

  @Override
  public void onMessage(WsConn c, byte[] buf, int off, int len) {
    // nothing is sent to a connection that never registers
  }

  @Override
  public void onClose(WsConn c) {
    if (c == probe) {
      if (probeOpen == 0) {
        probeRetryAt = System.nanoTime() + PROBE_RETRY_NANOS; // refused: ask again shortly
      }
      return;
    }
    if (dropped) {
      return;
    }
    if (c.closeCode < 0) {
      failed++;
      inFlight--;
      refill();
    } else {
      closedByServer++;
    }
  }

  @Override
  public long onTick(long now) {
    if (probeRetryAt != 0) {
      if (now >= probeRetryAt) {
        openProbe();
      }
      return PROBE_RETRY_NANOS;
    }
    return TimeUnit.MILLISECONDS.toNanos(50);
  }

  @Override
  public void close() {
    loop.close();
  }
}
