package dev.signaling.testkit.transport.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attacks of issue 10 that a transport must withstand, over real sockets against a server in
 * a child JVM with a small heap ({@link #HEAP}): each is sized to exhaust that heap, or to lock
 * honest clients out, on a transport that does not enforce the SPI's limits. Throughout each
 * attack the server must answer {@code /health} and new upgrades and serve an honest pair
 * (heartbeats and signals); afterwards its heap returns near the baseline and its log shows no
 * {@link Error} (see {@link AttackCheck}). A transport runs them by naming its {@link
 * ServerProcess} main class.
 */
public abstract class TransportAttacks {

  /** The child's heap: 1 MiB a connection exhausts it with about a hundred connections. */
  protected static final String HEAP = "-Xmx128m";
  private static final Duration ATTACK = Duration.ofSeconds(30);
  private static final int MIB = 1 << 20;

  /** The main class that runs this transport's server in a {@link ForkedServer}. */
  protected abstract Class<?> serverMain();

  private ForkedServer fork(Map<String, String> settings) {
    return ForkedServer.start(serverMain(), HEAP, settings);
  }

  @Test
  void headersOf1MiBFrames_thenStall_costOnlyTheBytesThatArrived() throws Exception {
    int attackers = 200; // today 1 MiB each as soon as the 14-byte header arrives: 200 MiB
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("14-byte headers of 1 MiB frames", server);
        Crowd crowd = Crowd.start(server.address())) {
      byte[] upgrade = Frames.upgradeRequest();
      byte[] header = Frames.header(Frames.TEXT, MIB);
      CrowdGroup stalled = crowd.connect(attackers, Crowd.loopback(2), true).send(upgrade).send(header);
      long all = (long) attackers * (upgrade.length + header.length);
      check.probeUntil(() -> stalled.upgraded() == attackers && stalled.bytesSent() == all, ATTACK);
      check.measureDuring();
      assertThat(stalled.ended()).as("the stalled senders are still connected: %s", stalled).isZero();
      stalled.close();
      check.recovered();
    }
  }

  @Test
  void fragmentedMessagesWithoutFin_areBoundedByTheServerWideBudget() throws Exception {
    int attackers = 150; // each a first fragment of 1 MiB - 1 KiB, never finished: 150 MiB today
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("fragmented 1 MiB messages without FIN", server);
        Crowd crowd = Crowd.start(server.address())) {
      byte[] fragment = Frames.frame(Frames.TEXT_NOT_FIN, new byte[MIB - 1024]);
      CrowdGroup hoarders = crowd.connect(attackers, Crowd.loopback(2), true)
          .send(Frames.upgradeRequest()).send(fragment);
      check.probeUntil(() -> hoarders.upgraded() == attackers
          && hoarders.bytesSent() + (long) hoarders.ended() * fragment.length
              >= (long) attackers * fragment.length, ATTACK);
      check.measureDuring();
      hoarders.close();
      check.recovered();
      assertThat(server.closes()).as("hoarders beyond the budget are closed with 1009").containsKey(1009);
    }
  }

  @Test
  void emptyContinuationFrames_trip1009LongBeforeTheyCostMemory() throws Exception {
    long frames = 2_000_000; // 12 MB on the wire per connection; about 70 bytes of heap each today
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("empty continuation frames", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup flooders = crowd.connect(2, Crowd.loopback(2), true)
          .send(Frames.upgradeRequest())
          .send(Frames.frame(Frames.TEXT_NOT_FIN, new byte[0]))
          .sendRepeated(Frames.frame(Frames.CONTINUATION, new byte[0]), frames);
      check.probeUntil(() -> flooders.ended() == 2, ATTACK);
      check.recovered();
      assertThat(server.closes()).containsEntry(1009, 2L);
    }
  }

  @Test
  void oneByteFragments_trip1009LongBeforeTheyCostMemory() throws Exception {
    long fragments = 1_000_000; // each message under 1 MiB; about 75 bytes of heap each today
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("1-byte fragments", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup flooders = crowd.connect(4, Crowd.loopback(2), true)
          .send(Frames.upgradeRequest())
          .send(Frames.frame(Frames.TEXT_NOT_FIN, new byte[] {'{'}))
          .sendRepeated(Frames.frame(Frames.CONTINUATION, new byte[] {' '}), fragments);
      check.probeUntil(() -> flooders.ended() == 4, ATTACK);
      check.recovered();
      assertThat(server.closes()).containsEntry(1009, 4L);
    }
  }

  @Test
  void upgradedSocketsFromOneAddress_cannotTakeEverySlot() throws Exception {
    int slots = 300; // the total cap, lowered so that one address can try to take all of it
    try (ForkedServer server = fork(Map.of("maxConnections", String.valueOf(slots)));
        AttackCheck check = AttackCheck.begin("upgraded sockets that never register, one address", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup hoarders = crowd.connect(slots, Crowd.loopback(2), true).send(Frames.upgradeRequest());
      check.probeUntil(() -> hoarders.upgraded() + hoarders.ended() == slots, ATTACK);
      check.measureDuring();
      assertThat(hoarders.upgraded()).as("the per-address cap (default 256)").isEqualTo(256);
      assertThat(hoarders.statuses()).containsEntry(429, slots - 256);
      String body = "{\"error\":\"too many connections from this address\"}";
      assertThat(hoarders.answer(429)).isEqualTo("HTTP/1.1 429 Too Many Requests\r\n"
          + "Content-Type: application/json; charset=utf-8\r\n"
          + "Content-Length: " + body.length() + "\r\n"
          + "Connection: close\r\n\r\n" + body);
      assertThat(Probes.upgrade(server.address(), Crowd.loopback(2), AttackCheck.PROBE_TIMEOUT).status())
          .as("one more from the hoarding address").isEqualTo(429);
      hoarders.close();
      check.recovered();
    }
  }

  @Test
  void neverReadingClientThatSendsUnsolicitedPongs_isDroppedByLiveness() throws Exception {
    int attackers = 5;
    Duration ping = Duration.ofMillis(300);
    try (ForkedServer server = fork(Map.of("pingInterval", ping.toMillis() + "ms"));
        AttackCheck check = AttackCheck.begin("never-reading clients sending unsolicited pongs", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup mute = crowd.connect(attackers, Crowd.loopback(2), false)
          .send(Frames.upgradeRequest())
          .sendEach(i -> Frames.register("mute-" + i))
          .sendEvery(Duration.ofMillis(100), Frames.frame(Frames.PONG, Frames.ascii("alive")));
      String leave = "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"mute-";
      // Twenty intervals: today they are never dropped, however long one waits.
      check.probeUntil(() -> check.honestB().received(m -> m.startsWith(leave)).size() == attackers,
          ping.multipliedBy(20));
      assertThat(server.closes()).as("dropped for pings left unanswered").containsEntry(1006, (long) attackers);
      mute.close();
      check.recovered();
    }
  }

  /** A bad upgrade, and the status it must get at once (not at the handshake timeout). */
  private record BadUpgrade(String name, String request, int status) {}

  private static final String KEY = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

  private static List<BadUpgrade> badUpgrades() {
    String host = "Host: 127.0.0.1\r\n";
    String upgrade = "Upgrade: websocket\r\n";
    String connection = "Connection: Upgrade\r\n";
    String version = "Sec-WebSocket-Version: 13\r\n";
    return List.of(
        new BadUpgrade("no key", "GET / HTTP/1.1\r\n" + host + upgrade + connection + version + "\r\n", 400),
        new BadUpgrade("a key that is not base64", "GET / HTTP/1.1\r\n" + host + upgrade + connection
            + "Sec-WebSocket-Key: not base64, not 16 bytes\r\n" + version + "\r\n", 400),
        new BadUpgrade("a key of 4 bytes", "GET / HTTP/1.1\r\n" + host + upgrade + connection
            + "Sec-WebSocket-Key: AQIDBA==\r\n" + version + "\r\n", 400),
        new BadUpgrade("two keys", "GET / HTTP/1.1\r\n" + host + upgrade + connection + KEY + KEY + version
            + "\r\n", 400),
        new BadUpgrade("no version", "GET / HTTP/1.1\r\n" + host + upgrade + connection + KEY + "\r\n", 400),
        new BadUpgrade("version 8", "GET / HTTP/1.1\r\n" + host + upgrade + connection + KEY
            + "Sec-WebSocket-Version: 8\r\n\r\n", 426),
        new BadUpgrade("Connection: keep-alive", "GET / HTTP/1.1\r\n" + host + upgrade
            + "Connection: keep-alive\r\n" + KEY + version + "\r\n", 400),
        new BadUpgrade("no Connection", "GET / HTTP/1.1\r\n" + host + upgrade + KEY + version + "\r\n", 400),
        new BadUpgrade("no Host", "GET / HTTP/1.1\r\n" + upgrade + connection + KEY + version + "\r\n", 400),
        new BadUpgrade("HTTP/1.0", "GET / HTTP/1.0\r\n" + host + upgrade + connection + KEY + version + "\r\n", 400),
        new BadUpgrade("POST", "POST / HTTP/1.1\r\n" + host + upgrade + connection + KEY + version + "\r\n", 400),
        new BadUpgrade("a header line without a colon", "GET / HTTP/1.1\r\n" + host + upgrade + connection + KEY
            + version + "Not a header\r\n\r\n", 400),
        new BadUpgrade("bare LF line endings", ("GET / HTTP/1.1\r\n" + host + upgrade + connection + KEY + version
            + "\r\n").replace("\r\n", "\n"), 400));
  }

  /** The exact answer to a bad upgrade: our JSON, {@code Connection: close}, no library page. */
  private static String expectedAnswer(BadUpgrade bad) {
    if (bad.status() == 426) {
      String body = "{\"error\":\"unsupported websocket version\"}";
      return "HTTP/1.1 426 Upgrade Required\r\n"
          + "Content-Type: application/json; charset=utf-8\r\n"
          + "Content-Length: " + body.length() + "\r\n"
          + "Sec-WebSocket-Version: 13\r\n"
          + "Upgrade: websocket\r\n"
          + "Connection: Upgrade, close\r\n\r\n" + body;
    }
    String body = bad.name().startsWith("bare LF") || bad.name().contains("colon")
        ? "{\"error\":\"bad request\"}"
        : "{\"error\":\"invalid websocket upgrade\"}";
    return "HTTP/1.1 400 Bad Request\r\n"
        + "Content-Type: application/json; charset=utf-8\r\n"
        + "Content-Length: " + body.length() + "\r\n"
        + "Connection: close\r\n\r\n" + body;
  }

  @Test
  void badUpgrades_getOurAnswerAtOnce_andTheServerStaysUp() throws Exception {
    int each = 20;
    Duration atOnce = Duration.ofSeconds(3); // the handshake timeout is 10 s
    try (ForkedServer server = fork(Map.of());
        AttackCheck check = AttackCheck.begin("bad upgrades", server);
        Crowd crowd = Crowd.start(server.address())) {
      for (BadUpgrade bad : badUpgrades()) {
        Probes.Answer answer = Probes.exchange(server.address(), null, Frames.ascii(bad.request()), atOnce, false);
        assertThat(answer.text()).as(bad.name()).isEqualTo(expectedAnswer(bad));
        CrowdGroup group = crowd.connect(each, Crowd.loopback(2), true).send(Frames.ascii(bad.request()));
        check.probeUntil(() -> group.ended() == each, ATTACK);
        assertThat(group.statuses()).as(bad.name()).isEqualTo(Map.of(bad.status(), each));
      }
      Probes.Answer valid = Probes.upgrade(server.address(), null, atOnce);
      assertThat(valid.text()).as("the 101 names no library and carries a date")
          .startsWith("HTTP/1.1 101 Switching Protocols\r\n")
          .doesNotContainIgnoringCase("Server:")
          .containsPattern("\r\nDate: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n")
          .contains("\r\nConnection: Upgrade\r\n");
      check.recovered();
    }
  }
}
