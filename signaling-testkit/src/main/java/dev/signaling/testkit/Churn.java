package dev.signaling.testkit;

import static dev.signaling.testkit.Messages.PROBE;
import static dev.signaling.testkit.Messages.UNKNOWN_TYPE;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Concurrent joins and leaves: threads that connect and register nodes at once (every third
 * leaves right after joining), and the check that every survivor's last {@code participants} is
 * the final membership. For the ordering guarantee, on one server or across a cluster.
 */
public final class Churn {

  private static final long TIMEOUT_SECONDS = 60;

  private Churn() {}

  /**
   * Runs {@code threads} threads that each register {@code perThread} nodes named {@code
   * n<thread>-<i>} (username {@code u}), thread {@code t} on server {@code t % servers.size()};
   * every third node closes right after sending its register.
   *
   * @return the clients that stayed
   */
  public static List<TestClient> joinAndLeave(List<? extends TestServer> servers, int threads, int perThread)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<TestClient>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        TestServer server = servers.get(t % servers.size());
        futures.add(pool.submit(() -> {
          start.await();
          List<TestClient> kept = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            TestClient c = server.connect();
            c.send(register("n" + thread + "-" + i, "u"));
            if (i % 3 == 2) {
              c.close(); // leaves right after joining
            } else {
              kept.add(c);
            }
          }
          return kept;
        }));
      }
      start.countDown();
      List<TestClient> survivors = new ArrayList<>();
      for (Future<List<TestClient>> f : futures) {
        survivors.addAll(f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
      return survivors;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Asserts that the last {@code participants} each survivor received (up to the answer to its
   * probe) lists exactly {@code membership} (nodeIds, username {@code u}), in that order.
   */
  public static void assertLastParticipantsOfEach(List<TestClient> survivors, List<String> membership) {
    String expected = participants(membership.stream().map(id -> id + ":u").toArray(String[]::new));
    for (TestClient c : survivors) {
      c.send(PROBE);
      String last = null;
      for (String m = c.next(); !m.equals(UNKNOWN_TYPE); m = c.next()) {
        if (m.startsWith("{\"type\":\"participants\"")) {
          last = m;
        }
      }
      assertThat(last).as("last participants of %s", c).isEqualTo(expected);
    }
  }
}
