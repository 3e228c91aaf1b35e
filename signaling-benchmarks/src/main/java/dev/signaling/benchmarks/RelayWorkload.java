package dev.signaling.benchmarks;

import java.util.concurrent.TimeUnit;

/**
 * {@code relay}: 8 pairs, 64 signals in flight per pair. The first node of a pair sends, the
 * second echoes each signal back (swapping {@code from} and {@code to}), and every echo that
 * arrives makes the first node send again. The figure is signals relayed (both directions) per
 * second over the measured window.
 */
final class RelayWorkload extends ClientGroup {

  static final int IN_FLIGHT = 64;

  private final Signals signals = new Signals();
  private final byte[] scratch = new byte[signals.length];
  private final byte[][] forward = new byte[Signals.PAIRS][];
  private long received;
  private long malformed;
  private volatile long publishedReceived;
  private volatile long publishedMalformed;

  RelayWorkload(int port, boolean fullLists) {
    super("relay", port, 2 * Signals.PAIRS, "n", Signals.ID_DIGITS, fullLists);
    for (int p = 0; p < Signals.PAIRS; p++) {
      forward[p] = signals.forward(p);
    }
  }

  /** The result of one run. */
  record Result(double messagesPerSecond, double serverCpuMicrosPerMessage, double generatorCpuMicrosPerMessage,
      int errors, long malformed) {}

  static Result run(Target target, long warmupMillis, long measureMillis) throws Exception {
    try (RelayWorkload w = new RelayWorkload(target.port(), target.kind().sendsFullLists())) {
      w.connectAll();
      if (!w.awaitSettled(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("relay: only " + w.settledCount() + " of " + w.n + " nodes registered");
      }
      w.loop.execute(w::start);
      Thread.sleep(warmupMillis);
      long c0 = w.publishedReceived;
      long t0 = System.nanoTime();
      long s0 = target.cpuNanos();
      long g0 = Cpu.selfNanos();
      Thread.sleep(measureMillis);
      long c1 = w.publishedReceived;
      long t1 = System.nanoTime();
      long s1 = target.cpuNanos();
      long g1 = Cpu.selfNanos();
      double messages = c1 - c0;
      return new Result(messages / ((t1 - t0) / 1e9),
          s0 < 0 ? Double.NaN : (s1 - s0) / 1e3 / messages,
          (g1 - g0) / 1e3 / messages,
          w.errors.get() + w.closedByServer.get(), w.publishedMalformed);
    }
  }

  private void start() {
    for (int p = 0; p < Signals.PAIRS; p++) {
      for (int i = 0; i < IN_FLIGHT; i++) {
        conns[p].send(forward[p]);
      }
    }
  }

  @Override
  void onOther(WsConn c, int type, byte[] buf, int off, int len) {
    if (type != Wire.SIGNAL) {
      return;
    }
    received++;
    if (len != signals.length) {
      malformed++;
      return;
    }
    int p = c.index;
    if (p < Signals.PAIRS) {
      conns[p].send(forward[p]); // the echo came back: send the next one
    } else {
      System.arraycopy(buf, off, scratch, 0, len);
      signals.swap(scratch);
      c.send(scratch);
    }
  }

  @Override
  public long onTick(long now) {
    publishedReceived = received;
    publishedMalformed = malformed;
    return TimeUnit.MILLISECONDS.toNanos(10);
  }
}
