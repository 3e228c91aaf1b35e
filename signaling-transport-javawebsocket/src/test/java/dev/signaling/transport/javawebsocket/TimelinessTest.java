package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md's Timeliness over real sockets: a lone join reaches the existing node at once (even
 * with a pacing interval of a minute, far beyond the clients' ten-second wait), a register's own
 * answer opens no interval, and a join storm is still batched.
 */
class TimelinessTest {

  private final List<JavaWebSocketTestServer> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(JavaWebSocketTestServer::close);
  }

  private JavaWebSocketTestServer start(SignalingConfig config) {
    JavaWebSocketTestServer server = JavaWebSocketTestServer.start(config, SignalingListener.NONE);
    servers.add(server);
    return server;
  }

  private static SignalingConfig interval(Duration interval) {
    return SignalingConfig.builder().membershipInterval(interval).build();
  }

  private static String register(String id) {
    return "{\"type\":\"register\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id + "\"}";
  }

  private static String join(String id) {
    return "{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id
        + "\",\"publicKey\":\"\"}";
  }

  private static String list(List<String> ids) {
    List<String> entries = new ArrayList<>();
    for (String id : ids) {
      entries.add("{\"nodeId\":\"" + id + "\",\"username\":\"u" + id + "\"}");
    }
    return "{\"type\":\"participants\",\"participants\":[" + String.join(",", entries) + "]}";
  }

  private static JdkTestClient registered(JavaWebSocketTestServer server, String id, String... known) throws Exception {
    JdkTestClient client = server.connect();
    client.send(register(id));
    List<String> ids = new ArrayList<>(List.of(known));
    ids.add(id);
    assertThat(client.next()).as("%s's answer", id).isEqualTo(list(ids));
    return client;
  }

  @Test
  void withDefaultSettings_aLoneJoinReachesTheExistingNode() throws Exception {
    JavaWebSocketTestServer server = start(SignalingConfig.defaults());
    JdkTestClient a = registered(server, "a");
    registered(server, "b", "a");
    assertThat(a.next()).isEqualTo(join("b"));
    assertThat(a.next()).isEqualTo(list(List.of("a", "b")));
  }

  @Test
  void withAMinuteInterval_aLoneJoinStillArrivesAtOnce_andAnAnswerOpensNoInterval() throws Exception {
    JavaWebSocketTestServer server = start(interval(Duration.ofMinutes(1)));
    JdkTestClient a = registered(server, "a");
    JdkTestClient b = registered(server, "b", "a");
    assertThat(a.next()).as("within the client's ten-second wait, not a minute").isEqualTo(join("b"));
    assertThat(a.next()).isEqualTo(list(List.of("a", "b")));

    registered(server, "c", "a", "b");
    assertThat(b.next()).as("b's own answer was its only membership message so far").isEqualTo(join("c"));
    assertThat(b.next()).isEqualTo(list(List.of("a", "b", "c")));
  }

  @Test
  void aJoinStorm_isStillBatched() throws Exception {
    JavaWebSocketTestServer server = start(interval(Duration.ofSeconds(2)));
    JdkTestClient a = registered(server, "a");
    int n = 20;
    List<JdkTestClient> storm = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      storm.add(server.connect());
    }
    for (int i = 0; i < n; i++) {
      storm.get(i).send(register("n" + i));
    }
    // The registers race on the server's threads: their order is whichever they were applied in,
    // and every join and the last list follow that one order.
    List<String> joined = new ArrayList<>(List.of("a"));
    int lists = 0;
    String message;
    do {
      message = a.next();
      if (message.startsWith("{\"type\":\"participants\"")) {
        lists++;
      } else {
        assertThat(message).startsWith("{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"n");
        joined.add(message.substring(message.indexOf("\"nodeId\":\"") + 10, message.indexOf("\",\"username\"")));
      }
    } while (joined.size() <= n || !message.startsWith("{\"type\":\"participants\""));
    assertThat(message).as("the last list: everyone, in the order of the joins").isEqualTo(list(joined));
    int joins = joined.size() - 1;
    assertThat(joins).isEqualTo(n);
    // The first join goes at once; the others wait for the end of its two-second slot (a second
    // slot boundary only if the registers took seconds to arrive).
    assertThat(lists).as("batched: far fewer lists than joins").isLessThanOrEqualTo(3);
  }
}
