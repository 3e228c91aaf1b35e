package dev.signaling.cluster.redis;

import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.joined;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Cross-server relay against same-server relay, measured in the same run on the same machine:
 * two signaling servers in one cluster on a real (local) Redis, real WebSocket clients.
 *
 * <ul>
 *   <li>latency: a signal and its answer, one at a time (round trip), p50 and p99;
 *   <li>throughput: one sender streams signals to one receiver, as fast as the receiver takes
 *       them.
 * </ul>
 *
 * <p>Run: {@code mvn -q -pl signaling-cluster-redis -am test-compile -Pbenchmark}. Bounded: a few
 * thousand messages per phase, loopback only, about half a minute.
 */
public final class RelayBenchmark {

  private static final int WARMUP_ROUND_TRIPS = 2_000;
  private static final int ROUND_TRIPS = 5_000;
  private static final int STREAM = 20_000;
  private static final int WINDOW = 500;

  private RelayBenchmark() {}

  public static void main(String[] args) throws Exception {
    RedisServer redis = new RedisServer();
    redis.beforeAll(null);
    try (Servers cluster = new Servers(redis, Duration.ofSeconds(8))) {
      SignalingConfig config = SignalingConfig.builder().noRateLimit().build();
      TestServer s0 = cluster.start(config);
      TestServer s1 = cluster.start(config);
      TestClient a = joined(s0, "a", "a");
      TestClient b = joined(s0, "b", "b", a);
      TestClient c = joined(s0, "c", "c", a, b);
      TestClient d = joined(s1, "d", "d", a, b, c);

      // Warm both paths up, interleaved, before measuring either.
      roundTrips(a, "a", b, "b", WARMUP_ROUND_TRIPS);
      roundTrips(c, "c", d, "d", WARMUP_ROUND_TRIPS);

      long[] same = roundTrips(a, "a", b, "b", ROUND_TRIPS);
      long[] cross = roundTrips(c, "c", d, "d", ROUND_TRIPS);
      double sameRate = stream(a, "a", b, "b");
      double crossRate = stream(c, "c", d, "d");

      System.out.println();
      System.out.println("relay                 p50 RTT     p99 RTT     throughput");
      print("same server", same, sameRate);
      print("across servers", cross, crossRate);
      System.out.printf(Locale.ROOT, "cross / same          %.2fx       %.2fx       %.2fx%n",
          pct(cross, 50) / (double) pct(same, 50), pct(cross, 99) / (double) pct(same, 99), crossRate / sameRate);
    } finally {
      redis.afterAll(null);
    }
  }

  /** Sequential round trips from one node to another and back; nanoseconds each, sorted. */
  private static long[] roundTrips(TestClient from, String fromId, TestClient to, String toId, int n) {
    long[] rtt = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      from.send(signal(fromId, toId, Integer.toString(i)));
      to.next();
      to.send(signal(toId, fromId, Integer.toString(i)));
      from.next();
      rtt[i] = System.nanoTime() - start;
    }
    Arrays.sort(rtt);
    return rtt;
  }

  /** Streams signals with at most {@link #WINDOW} in flight; messages per second delivered. */
  private static double stream(TestClient from, String fromId, TestClient to, String toId) {
    String message = signal(fromId, toId, "{\"candidate\":\"candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host\"}");
    long start = System.nanoTime();
    int received = 0;
    for (int sent = 0; sent < STREAM; sent++) {
      from.send(message);
      if (sent - received >= WINDOW) {
        to.next();
        received++;
      }
    }
    while (received < STREAM) {
      to.next();
      received++;
    }
    return STREAM / ((System.nanoTime() - start) / 1e9);
  }

  private static long pct(long[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  private static void print(String name, long[] rtt, double rate) {
    System.out.printf(Locale.ROOT, "%-20s  %7.1f µs  %7.1f µs  %,9.0f msg/s%n",
        name, pct(rtt, 50) / 1e3, pct(rtt, 99) / 1e3, rate);
  }
}
