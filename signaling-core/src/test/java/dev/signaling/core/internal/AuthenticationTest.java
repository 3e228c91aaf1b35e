package dev.signaling.core.internal;

import static dev.signaling.core.internal.WireLog.join;
import static dev.signaling.core.internal.WireLog.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.RateLimit;
import dev.signaling.core.RegistrationAuthenticator;
import dev.signaling.core.SignalingConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An authenticator cannot be turned into a denial of service: it runs off the transport's thread
 * on a bounded pool, behind per-connection and per-address register limits, and a connection's
 * later messages wait behind its register in order.
 */
class AuthenticationTest {

  private static final String RATE_LIMITED = "{\"type\":\"error\",\"error\":\"rate limit exceeded\"}";
  private static final String UNAUTHORIZED = "{\"type\":\"error\",\"error\":\"unauthorized\"}";
  private static final String UNKNOWN_TYPE = "{\"type\":\"error\",\"error\":\"unknown type\"}";
  private static final String PROBE = "{\"type\":\"probe\"}";

  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private final AtomicInteger checks = new AtomicInteger();
  private WireLog wire;

  @AfterEach
  void close() {
    release.countDown();
    wire.close();
  }

  /** Accepts every register; those of nodeIds starting with "slow" only once released. */
  private final RegistrationAuthenticator blocking = request -> {
    checks.incrementAndGet();
    threads.add(Thread.currentThread().getName());
    if (request.nodeId().startsWith("slow")) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return true;
  };

  private static String register(String id) {
    return "{\"type\":\"register\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id + "\"}";
  }

  @Test
  void aRegisterIsCheckedOffTheTransportThread_itsLaterMessagesWaitBehindIt_othersAreServed() {
    wire = new WireLog(SignalingConfig.builder().authenticator(blocking).build());
    WireLog.Peer x = wire.connect("x");
    x.send(register("x"));
    assertThat(wire.await(x, 1)).containsExactly(list("x"));
    WireLog.Peer slow = wire.connect("slow");
    slow.send(register("slow"));
    slow.send(PROBE);
    x.send(PROBE);
    assertThat(wire.await(x, 2)).as("served while the other's check waits")
        .containsExactly(list("x"), UNKNOWN_TYPE);
    assertThat(wire.await(slow, 0)).isEmpty();

    release.countDown();
    assertThat(wire.await(slow, 2)).as("the answer, then what waited behind it, in order")
        .containsExactly(list("x", "slow"), UNKNOWN_TYPE);
    assertThat(wire.await(x, 4)).containsExactly(list("x"), UNKNOWN_TYPE, join("slow"), list("x", "slow"));
    assertThat(threads).allSatisfy(name -> assertThat(name).startsWith("signaling-authenticator-"));
  }

  @Test
  void registersOverThePerConnectionLimit_areRefusedBeforeTheCheck() {
    wire = new WireLog(SignalingConfig.builder()
        .authenticator(request -> {
          checks.incrementAndGet();
          return false;
        })
        .registerLimit(new RateLimit(1, 2)).build());
    WireLog.Peer a = wire.connect("a");
    for (int i = 0; i < 3; i++) {
      a.send(register("a"));
    }
    assertThat(wire.await(a, 3)).containsExactly(UNAUTHORIZED, UNAUTHORIZED, RATE_LIMITED);
    assertThat(checks).hasValue(2);
  }

  @Test
  void registersOverThePerAddressLimit_areRefusedBeforeTheCheck_otherAddressesAreNot() throws Exception {
    wire = new WireLog(SignalingConfig.builder().authenticator(blocking)
        .registerLimit(RateLimit.OFF).registerLimitPerAddress(new RateLimit(1, 2)).build());
    InetSocketAddress one = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 1}), 40000);
    InetSocketAddress two = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, 2}), 40000);
    List<WireLog.Peer> fromOne = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      WireLog.Peer p = wire.connect("p" + i, one);
      fromOne.add(p);
      p.send(register("p" + i));
      wire.await(p, 1);
    }
    assertThat(wire.await(fromOne.get(2), 1)).containsExactly(RATE_LIMITED);
    WireLog.Peer other = wire.connect("q", two);
    other.send(register("q"));
    assertThat(wire.await(other, 1)).containsExactly(list("p0", "p1", "q"));
    assertThat(checks).hasValue(3);
  }

  @Test
  void whenTheCheckQueueIsFull_aRegisterIsRefusedWithRateLimitExceeded_theQueuedOnesGoOn() {
    wire = new WireLog(SignalingConfig.builder().authenticator(blocking).build());
    int capacity = Authentications.THREADS + Authentications.QUEUE;
    List<WireLog.Peer> waiting = new ArrayList<>();
    for (int i = 0; i < capacity; i++) {
      WireLog.Peer p = wire.connect("slow" + i);
      p.send(register("slow" + i));
      waiting.add(p);
    }
    WireLog.Peer late = wire.connect("late");
    late.send(register("late"));
    assertThat(wire.await(late, 1)).containsExactly(RATE_LIMITED);

    release.countDown();
    WireLog.Peer last = waiting.get(capacity - 1);
    assertThat(wire.await(last, 1)).isNotEmpty();
    assertThat(wire.relay.participants()).hasSize(capacity);
  }

  @Test
  void withoutAnAuthenticator_aRegisterIsAnsweredOnTheCallersThread() {
    wire = new WireLog(SignalingConfig.defaults());
    WireLog.Peer a = wire.connect("a");
    a.send(register("a"));
    assertThat(wire.takeFor(a)).as("already there, nothing waited").containsExactly(list("a"));
  }
}
