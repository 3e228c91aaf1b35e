package dev.signaling.testkit.transport.attack;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Attacks on upgrades and connection slots: sockets that upgrade and never register, from one
 * address, to take every slot; upgrades that are not quite upgrades.
 */
public abstract class UpgradeAttacks extends AttackGroup {

  /** This group of {@code attacks}. */
  protected UpgradeAttacks(TransportAttacks attacks) {
    super(attacks);
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
  void upgradedSocketsThatNeverRegister_loseTheirSlotsAtTheRegisterTimeout_newcomersFromTheirAddressGetIn()
      throws Exception {
    int slots = 300; // the total cap, lowered so that one address could take all of it
    int newcomers = 20;
    String participants = "{\"type\":\"participants\"";
    // A short register timeout, long enough for all of them to be answered first.
    try (ForkedServer server = fork(Map.of("maxConnections", String.valueOf(slots), "registerTimeout", "3s"));
        AttackCheck check = AttackCheck.begin("upgraded sockets that never register, until the timeout", server);
        Crowd crowd = Crowd.start(server.address())) {
      CrowdGroup hoarders = crowd.connect(slots, Crowd.loopback(2), true).send(Frames.upgradeRequest());
      check.probeUntil(() -> hoarders.upgraded() + hoarders.statuses().getOrDefault(429, 0) == slots, ATTACK);
      assertThat(hoarders.upgraded()).as("the per-address cap (default 256)").isEqualTo(256);
      // Told 1008, and their sockets closed: a peer that never answers the close frame keeps its
      // TCP connection, and so its slot, until the server's close grace ends.
      check.probeUntil(() -> hoarders.closedWith(1008) == 256 && hoarders.ended() == slots, ATTACK);
      CrowdGroup late = crowd.connect(newcomers, Crowd.loopback(2), true)
          .watch(participants)
          .send(Frames.upgradeRequest())
          .sendEach(i -> Frames.register("newcomer-" + i));
      check.probeUntil(() -> late.receivers(participants) == newcomers, ATTACK);
      assertThat(late.upgraded()).as("newcomers from the hoarders' address").isEqualTo(newcomers);
      late.close();
      hoarders.close();
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
