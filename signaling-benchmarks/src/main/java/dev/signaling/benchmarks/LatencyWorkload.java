package dev.signaling.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * {@code latency}: open loop at a fixed rate. A pacer thread sends signals from the first node of
 * each of 8 pairs to the second, round robin, on a fixed schedule whatever the answers do (if it
 * falls behind it catches up), stamping each with {@link System#nanoTime()} just before the
 * write. The receiving node records now minus the stamp: one-way latency through the server, on
 * one clock.
 */
final class LatencyWorkload extends ClientGroup {

  private final Signals signals = new Signals();
  private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(30), 3);
  private volatile long windowStart = Long.MAX_VALUE;
  private volatile long windowEnd = Long.MAX_VALUE;
  private long receivedInWindow;

  private LatencyWorkload(int port, boolean fullLists) {
    super("latency", port, 2 * Signals.PAIRS, "n", Signals.ID_DIGITS, fullLists);
  }

  /** The result of one run; latencies in microseconds. */
  record Result(int rate, double p50, double p99, double p999, double max, long sent, long received, int errors) {}

  static Result run(Target target, int rate, long warmupMillis, long measureMillis) throws Exception {
    LatencyWorkload w = new LatencyWorkload(target.port(), target.kind().sendsFullLists());
    long sentInWindow = 0;
    try {
      w.connectAll();
      if (!w.awaitSettled(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latency: only " + w.settledCount() + " of " + w.n + " nodes registered");
      }
      byte[][] messages = new byte[Signals.PAIRS][];
      for (int p = 0; p < Signals.PAIRS; p++) {
        messages[p] = w.signals.forward(p);
      }
      long interval = 1_000_000_000L / rate;
      long start = System.nanoTime();
      long windowStart = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
      long windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMillis);
      w.windowStart = windowStart;
      w.windowEnd = windowEnd;
      long next = start;
      for (long k = 0; ; k++) {
        long now = System.nanoTime();
        while (now < next) {
          LockSupport.parkNanos(next - now);
          now = System.nanoTime();
        }
        if (now >= windowEnd) {
          break;
        }
        int p = (int) (k % Signals.PAIRS);
        byte[] m = messages[p];
        long stamp = System.nanoTime();
        Wire.putHex(m, w.signals.timestampOffset, stamp);
        w.conns[p].send(m);
        if (stamp >= windowStart && stamp < windowEnd) {
          sentInWindow++;
        }
        next += interval;
      }
      Thread.sleep(1_000); // let the last ones arrive
    } finally {
      w.close(); // joins the loop thread: its histogram is safe to read after this
    }
    Histogram h = w.histogram;
    return new Result(rate,
        h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3,
        sentInWindow, w.receivedInWindow, w.errors.get() + w.closedByServer.get());
  }

  @Override
  void onOther(WsConn c, int type, byte[] buf, int off, int len) {
    if (type != Wire.SIGNAL || len != signals.length) {
      return;
    }
    long now = System.nanoTime();
    long stamp = Wire.hex(buf, off + signals.timestampOffset);
    if (stamp >= windowStart && stamp < windowEnd) {
      receivedInWindow++;
      histogram.recordValue(Math.min(now - stamp, histogram.getHighestTrackableValue()));
    }
  }
}
