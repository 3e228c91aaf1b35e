package dev.signaling.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * {@code fanout}: {@code n} registered nodes, each sending a heartbeat every 5 s, their phases
 * spread evenly over the period, so the server delivers n·(n−1)/5 heartbeats per second. Round 0
 * warms up; the following rounds are measured. A heartbeat a node receives is matched to the
 * sender's heartbeat of the same number (the server keeps each sender's order per recipient);
 * its lag is the receive time minus that heartbeat's send time. Deliveries that have not arrived
 * 2 s after the last measured heartbeat count as lost.
 */
final class FanoutWorkload extends ClientGroup {

  static final long PERIOD_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long DRAIN_NANOS = TimeUnit.SECONDS.toNanos(2);

  private final long period;
  private final long drain;
  private static final byte[] HEARTBEAT = "{\"type\":\"heartbeat\"}".getBytes(StandardCharsets.US_ASCII);
  static final int ID_DIGITS = 5;

  private final int rounds;
  private final AtomicLongArray sendTimes;
  /** receiver * n + sender: heartbeats received so far. */
  private final byte[] counts;
  private final Histogram lags = new Histogram(TimeUnit.SECONDS.toNanos(60), 2);
  private long delivered;
  private long start = -1;
  private long next;
  private long stopAt = Long.MAX_VALUE;
  private volatile boolean finished;

  private FanoutWorkload(int port, int n, int measuredRounds, long period, boolean fullLists) {
    super("fanout", port, n, "n", ID_DIGITS, fullLists);
    this.period = period;
    this.drain = Math.min(DRAIN_NANOS, period);
    this.rounds = measuredRounds + 1;
    this.sendTimes = new AtomicLongArray(n * rounds);
    this.counts = new byte[n * n];
  }

  /** The result of one run at one size. */
  record Result(int n, long expected, long delivered, double p99Millis, double maxMillis, int errors) {
    double deliveredRatio() {
      return expected == 0 ? 0 : (double) delivered / expected;
    }

    /** The criterion: at least 99 % delivered, p99 lag under a second, no client closed. */
    boolean passed() {
      return deliveredRatio() >= 0.99 && p99Millis < 1000 && errors == 0;
    }
  }

  static Result run(Target target, int n, int measuredRounds) throws Exception {
    return run(target, n, measuredRounds, PERIOD_NANOS);
  }

  /** {@link #run(Target, int, int)} with another heartbeat period (smoke tests). */
  static Result run(Target target, int n, int measuredRounds, long period) throws Exception {
    FanoutWorkload w = new FanoutWorkload(target.port(), n, measuredRounds, period, target.kind().sendsFullLists());
    try {
      w.connectAll();
      if (!w.awaitSettled(120, TimeUnit.SECONDS)) {
        return new Result(n, 1, 0, Double.NaN, Double.NaN, n - w.settledCount());
      }
      w.loop.execute(w::begin);
      long total = (long) (measuredRounds + 1) * period + w.drain;
      long deadline = System.nanoTime() + total + TimeUnit.SECONDS.toNanos(10);
      while (!w.finished && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
    } finally {
      w.close();
    }
    long expected = (long) n * measuredRounds * (n - 1);
    return new Result(n, expected, w.delivered, w.lags.getValueAtPercentile(99) / 1e6,
        w.lags.getMaxValue() / 1e6, w.errors.get() + w.closedByServer.get());
  }

  private void begin() {
    start = System.nanoTime();
    stopAt = start + rounds * period + drain;
  }

  /** When heartbeat number k (node k % n, round k / n) is due. */
  private long due(long k) {
    return start + (k / n) * period + (k % n) * period / n;
  }

  @Override
  public long onTick(long now) {
    if (start < 0) {
      return TimeUnit.MILLISECONDS.toNanos(50);
    }
    if (now >= stopAt) {
      finished = true;
      return TimeUnit.MILLISECONDS.toNanos(50);
    }
    long last = (long) n * rounds;
    while (next < last && due(next) <= now) {
      int node = (int) (next % n);
      int round = (int) (next / n);
      sendTimes.set(node * rounds + round, now);
      conns[node].send(HEARTBEAT);
      next++;
    }
    return next < last ? Math.max(0, due(next) - now) : stopAt - now;
  }

  @Override
  void onOther(WsConn c, int type, byte[] buf, int off, int len) {
    if (type != Wire.HEARTBEAT || start < 0 || finished) {
      return;
    }
    long now = System.nanoTime();
    if (now >= stopAt) {
      return;
    }
    int sender = Wire.digits(buf, off + Wire.HEARTBEAT_FROM_OFFSET + 1, ID_DIGITS);
    int cell = c.index * n + sender;
    int round = counts[cell];
    if (round < Byte.MAX_VALUE) {
      counts[cell]++;
    }
    if (round >= 1 && round < rounds) {
      delivered++;
      long lag = now - sendTimes.get(sender * rounds + round);
      lags.recordValue(Math.max(0, Math.min(lag, lags.getHighestTrackableValue())));
    }
  }
}
