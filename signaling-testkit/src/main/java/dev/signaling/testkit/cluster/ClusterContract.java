package dev.signaling.testkit.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.cluster.Cluster;
import dev.signaling.testkit.Waits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Cluster} implementation promises the hub (the Javadoc of {@code Cluster} and
 * {@code ClusterMember}), checked with {@link RecordingMember}s in place of hubs. An implementation's
 * test extends this class and says how to make servers on one shared broker and how to fail it:
 *
 * <pre>{@code
 * class MyClusterContractTest extends ClusterContract {
 *   protected Cluster newServer() { return MyCluster.connect(broker); }
 *   protected void halt(Cluster server) { ((MyCluster) server).crash(); }
 *   protected void expire(Cluster halted) { } // a lease expires by itself
 *   protected void loseLog() { broker.restartEmpty(); }
 * }
 * }</pre>
 */
public abstract class ClusterContract {

  private final List<Cluster> servers = new ArrayList<>();

  /** A new server's cluster link, on the broker this test shares among its servers. */
  protected abstract Cluster newServer();

  /** Stops {@code server} as a crash would: no goodbye, nothing more appended or read. */
  protected abstract void halt(Cluster server);

  /**
   * Lets the cluster notice that {@code halted} is gone: nothing to do where leases expire by
   * themselves (within {@link Cluster#failureTimeout()}), a declaration where the test decides.
   */
  protected abstract void expire(Cluster halted);

  /** Makes the broker lose the log, as a restart without its data does. */
  protected abstract void loseLog() throws Exception;

  @AfterEach
  void closeServers() {
    servers.forEach(Cluster::close);
  }

  private Cluster joined(RecordingMember member) {
    Cluster server = newServer();
    servers.add(server);
    server.join(member);
    return server;
  }

  private static void awaitEvents(RecordingMember member, int count) {
    Waits.until(count + " events at " + member, () -> member.events().size() >= count);
  }

  @Test
  void serverIdsAreUnique_andTheFailureTimeoutIsPositive() {
    Cluster a = joined(new RecordingMember("a"));
    Cluster b = joined(new RecordingMember("b"));
    assertThat(a.serverId()).isNotBlank().isNotEqualTo(b.serverId());
    assertThat(a.failureTimeout()).isPositive();
  }

  @Test
  void join_returnsOnceTheMemberHasTheWholeLog() {
    RecordingMember a = new RecordingMember("a");
    Cluster first = joined(a);
    first.append("e1");
    first.append("e2");
    awaitEvents(a, 2);
    RecordingMember b = new RecordingMember("b");
    joined(b);
    assertThat(b.events()).as("at the return of join").containsExactly("e1", "e2");
    assertThat(b.positions()).isEqualTo(a.positions());
  }

  @Test
  void appends_reachEveryServerOnce_inOneOrder_eachServersInCallOrder() throws Exception {
    List<RecordingMember> members = List.of(new RecordingMember("a"), new RecordingMember("b"), new RecordingMember("c"));
    List<Cluster> links = members.stream().map(this::joined).toList();
    int each = 30;
    ExecutorService pool = Executors.newFixedThreadPool(links.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int s = 0; s < links.size(); s++) {
        Cluster link = links.get(s);
        String origin = members.get(s).toString();
        done.add(pool.submit(() -> IntStream.range(0, each).forEach(i -> link.append(origin + i))));
      }
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdown();
    }
    for (RecordingMember m : members) {
      awaitEvents(m, each * links.size());
    }
    List<String> log = members.get(0).events();
    assertThat(log).hasSize(each * links.size()).doesNotHaveDuplicates();
    for (RecordingMember m : members) {
      assertThat(m.events()).as("the log at %s", m).isEqualTo(log);
      assertThat(m.positions()).as("positions at %s", m).isEqualTo(members.get(0).positions()).isSorted()
          .doesNotHaveDuplicates();
      List<String> own = log.stream().filter(e -> e.startsWith(m.toString())).toList();
      assertThat(own).as("%s's events in call order", m)
          .isEqualTo(IntStream.range(0, each).mapToObj(i -> m.toString() + i).toList());
    }
  }

  @Test
  void send_reachesItsOneTarget_inOrder() {
    RecordingMember b = new RecordingMember("b");
    RecordingMember c = new RecordingMember("c");
    Cluster a = joined(new RecordingMember("a"));
    Cluster bLink = joined(b);
    Cluster cLink = joined(c);
    List<String> sent = IntStream.range(0, 50).mapToObj(i -> "m" + i).toList();
    sent.forEach(m -> a.send(bLink.serverId(), m));
    a.send(cLink.serverId(), "only this");
    Waits.until("b has every message", () -> b.messages().size() >= sent.size());
    Waits.until("c has its message", () -> !c.messages().isEmpty());
    assertThat(b.messages()).isEqualTo(sent);
    assertThat(c.messages()).containsExactly("only this");
  }

  @Test
  void broadcast_reachesEveryOtherServerOnce_andNotItself() {
    RecordingMember a = new RecordingMember("a");
    RecordingMember b = new RecordingMember("b");
    RecordingMember c = new RecordingMember("c");
    Cluster aLink = joined(a);
    Cluster bLink = joined(b);
    joined(c);
    aLink.broadcast("from a");
    bLink.broadcast("from b");
    Waits.until("a has b's broadcast", () -> a.messages().contains("from b"));
    Waits.until("c has both", () -> c.messages().size() >= 2);
    Waits.until("b has a's broadcast", () -> b.messages().contains("from a"));
    assertThat(a.messages()).containsExactly("from b");
    assertThat(b.messages()).containsExactly("from a");
    assertThat(c.messages()).containsExactlyInAnyOrder("from a", "from b");
  }

  @Test
  void close_tellsTheOthersAtOnce_isIdempotent_andDropsLaterAppends() {
    RecordingMember a = new RecordingMember("a");
    Cluster aLink = joined(a);
    Cluster leaving = joined(new RecordingMember("c"));
    leaving.close();
    leaving.close();
    Waits.until("a hears that c left", () -> a.gone().contains(leaving.serverId()));
    leaving.append("after close");
    aLink.append("barrier");
    Waits.until("a reads its barrier", () -> a.events().contains("barrier"));
    assertThat(a.events()).doesNotContain("after close");
    assertThat(a.gone()).containsOnly(leaving.serverId());
  }

  @Test
  void aServerThatStops_isDeclaredGone_toEveryOtherServer() {
    RecordingMember a = new RecordingMember("a");
    RecordingMember b = new RecordingMember("b");
    joined(a);
    joined(b);
    Cluster crashed = joined(new RecordingMember("c"));
    halt(crashed);
    expire(crashed);
    for (RecordingMember m : List.of(a, b)) {
      Waits.await("gone at " + m).atMost(crashed.failureTimeout().plus(dev.signaling.testkit.TestClient.TIMEOUT))
          .until(() -> m.gone().contains(crashed.serverId()));
    }
  }

  @Test
  void afterALostLog_everyServerRepublishesIntoTheNewOne_andPositionsKeepGrowing() throws Exception {
    RecordingMember a = new RecordingMember("a");
    RecordingMember b = new RecordingMember("b");
    Cluster aLink = joined(a);
    joined(b);
    aLink.append("before");
    awaitEvents(a, 1);
    awaitEvents(b, 1);
    long before = a.positions().get(0);
    loseLog();
    aLink.append("after");
    for (RecordingMember m : List.of(a, b)) {
      Waits.await("the new log at " + m).atMost(aLink.failureTimeout().plus(dev.signaling.testkit.TestClient.TIMEOUT))
          .until(() -> m.events().containsAll(List.of(a.republication(), b.republication(), "after")));
      assertThat(m.resets()).as("resets at %s", m).isEqualTo(1);
      List<String> events = m.events();
      assertThat(events.indexOf(a.republication())).as("a's re-publication ahead of its other events")
          .isLessThan(events.lastIndexOf("after"));
      assertThat(new HashSet<>(m.positions())).hasSameSizeAs(m.positions());
      assertThat(m.positions()).isSorted().allMatch(p -> p >= before);
    }
    assertThat(a.events()).as("one log, one order").isEqualTo(b.events());
  }
}
