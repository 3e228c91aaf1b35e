package dev.signaling.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar as a user runs it: {@code java -jar target/signaling-server.jar}, in processes
 * of their own, talked to over real sockets; in cluster mode on a real {@code redis-server}.
 */
class ServerJarIT {

  private static final Pattern PARTICIPANTS = Pattern.compile("\"participants\":(\\[.*?\\])");

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stopAll() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T closeable) {
    started.add(closeable);
    return closeable;
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Test
  void help_printsTheUsage_exit0() throws Exception {
    JarProcess.Ended help = JarProcess.run("--help");
    assertThat(help.status()).isZero();
    assertThat(String.join("\n", help.out()) + "\n").isEqualTo(Options.USAGE.replace(System.lineSeparator(), "\n"));
    assertThat(help.out().get(0)).startsWith("Usage: java -jar signaling-server.jar");
    assertThat(help.err()).isEmpty();
  }

  @Test
  void aBadFlag_printsOneLine_exit2() throws Exception {
    JarProcess.Ended bad = JarProcess.run("--prot", "3001");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).containsExactly("error: unknown option --prot (--help lists them all)");
    assertThat(bad.out()).isEmpty();
  }

  @Test
  void aMissingKeystore_printsOneLineWithTheCause_exit1() throws Exception {
    JarProcess.Ended missing = JarProcess.run("--host", "127.0.0.1", "--port", "0", "--tls-keystore", "missing.p12");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).containsExactly(
        "error: cannot load the TLS keystore " + Path.of("missing.p12").toAbsolutePath() + ": no such file");
  }

  @Test
  void started_answersHealthAndMetrics_andStopsCleanlyOnSigterm() throws Exception {
    JarProcess jar = keep(JarProcess.server("--host", "127.0.0.1", "--port", "0", "--metrics-port", "0"));
    URI webSocket = jar.awaitUri("  WebSocket: ");
    URI health = jar.awaitUri("  Health:    ");
    URI metrics = jar.awaitUri("  Metrics:   ");
    jar.awaitLine("Press Ctrl-C to stop.");
    assertThat(webSocket.getScheme()).isEqualTo("ws");

    assertThat(get(health).body()).isEqualTo("{\"ok\":true}");
    try (WebSocketTestClient client = WebSocketTestClient.connect("client", webSocket, http)) {
      client.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      assertThat(client.next()).startsWith("{\"type\":\"participants\"");
      assertThat(get(metrics).body()).contains("signaling_nodes_registered 1.0",
          "signaling_messages_received_total{type=\"register\"} 1.0");
    }

    assertThat(jar.stop()).as("exit status after SIGTERM: 128 + 15, as for any JVM").isEqualTo(143);
    List<String> log = jar.errLines();
    assertThat(log).as("what the jar logs: its start and stop, nothing else").hasSize(3);
    assertThat(log.get(0)).contains("INFO SignalingServer - Signaling server listening on 127.0.0.1:");
    assertThat(log.get(1)).contains("INFO ServerMain - Shutting down");
    assertThat(log.get(2)).contains("INFO SignalingServer - Signaling server on 127.0.0.1:").endsWith(" stopped");
  }

  @Test
  void onNetty_relaysBetweenClients_withEpollFromTheJar_andStopsCleanly() throws Exception {
    JarProcess jar = keep(JarProcess.server("--transport", "netty", "--host", "127.0.0.1", "--port", "0"));
    assertThat(jar.awaitLine("Signaling server listening on ")).endsWith(" (netty)");
    URI webSocket = jar.awaitUri("  WebSocket: ");
    URI health = jar.awaitUri("  Health:    ");
    jar.awaitLine("Press Ctrl-C to stop.");

    assertThat(get(health).body()).isEqualTo("{\"ok\":true}");
    try (WebSocketTestClient a = WebSocketTestClient.connect("a", webSocket, http);
        WebSocketTestClient b = WebSocketTestClient.connect("b", webSocket, http)) {
      a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      assertThat(a.next()).startsWith("{\"type\":\"participants\"");
      b.send("{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"bob\"}");
      assertThat(b.next()).startsWith("{\"type\":\"participants\"");
      a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":{\"sdp\":\"x\"}}");
      assertThat(b.next()).isEqualTo("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":{\"sdp\":\"x\"}}");
    }

    assertThat(jar.stop()).isEqualTo(143);
    List<String> log = jar.errLines();
    assertThat(log).as("its start and stop, nothing else (no Netty warning)").hasSize(3);
    // The native library is shaded into the jar (META-INF/native), and Netty loads it from there.
    boolean linuxX86 = System.getProperty("os.name").equals("Linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    assertThat(log.get(0)).contains("INFO Listeners - Signaling server listening on 127.0.0.1:",
        linuxX86 ? "Netty epoll" : "Netty NIO");
    assertThat(log.get(1)).contains("INFO ServerMain - Shutting down");
    assertThat(log.get(2)).contains("INFO SignalingServer - Signaling server on 127.0.0.1:").endsWith(" stopped");
  }

  @Test
  void threeJarsOnOneRedis_actAsOneServer_withOneParticipantsList_whateverTheirTransport() throws Exception {
    int redisPort = freePort();
    keep(JarProcess.redis(redisPort));
    List<WebSocketTestClient> clients = new ArrayList<>();
    List<JarProcess> jars = new ArrayList<>();
    for (String node : List.of("a", "b", "c")) {
      String transport = node.equals("b") ? "netty" : "java-websocket"; // one cluster, both transports
      JarProcess jar = keep(JarProcess.server("--transport", transport, "--host", "127.0.0.1", "--port", "0",
          "--cluster", "redis://127.0.0.1:" + redisPort, "--cluster-key-prefix", "it", "--cluster-failure-timeout", "2s"));
      URI webSocket = jar.awaitUri("  WebSocket: ");
      assertThat(jar.awaitLine("  Cluster:   ")).contains("redis://127.0.0.1:" + redisPort, "key prefix it");
      jars.add(jar);
      WebSocketTestClient client = keep(WebSocketTestClient.connect("client", webSocket, http));
      client.send("{\"type\":\"register\",\"nodeId\":\"" + node + "\",\"username\":\"" + node + "\"}");
      clients.add(client);
    }

    List<String> lists = new ArrayList<>();
    for (WebSocketTestClient client : clients) {
      String list = "";
      while (!(list.contains("\"a\"") && list.contains("\"b\"") && list.contains("\"c\""))) {
        String message = client.next(); // presence and participants, until the list has all three
        Matcher m = PARTICIPANTS.matcher(message);
        if (message.startsWith("{\"type\":\"participants\"") && m.find()) {
          list = m.group(1);
        }
      }
      lists.add(list);
    }
    assertThat(lists).as("the same list, in the same order, on every server").containsOnly(lists.get(0));

    // Signals cross servers: a (first jar) to c (third jar), and out of and into the Netty one.
    for (String[] hop : new String[][] {{"a", "c"}, {"a", "b"}, {"b", "c"}}) {
      String signal = "{\"type\":\"signal\",\"from\":\"" + hop[0] + "\",\"to\":\"" + hop[1]
          + "\",\"payload\":{\"sdp\":\"x\"}}";
      clients.get(hop[0].charAt(0) - 'a').send(signal);
      String received;
      do {
        received = clients.get(hop[1].charAt(0) - 'a').next();
      } while (!received.contains("\"type\":\"signal\""));
      assertThat(received).isEqualTo(signal);
    }

    for (JarProcess jar : jars) {
      assertThat(jar.errLines()).as("a cluster server logs its start and its joining, not Lettuce's set-up")
          .allMatch(line -> line.contains(" INFO SignalingServer - ") || line.contains(" INFO Listeners - ")
              || line.contains(" INFO RedisCluster - "));
    }
  }

  @Test
  void theJar_isSelfContained_withItsMainClass() throws Exception {
    try (JarFile jar = new JarFile(System.getProperty("server.jar", "target/signaling-server.jar"))) {
      assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class")).isEqualTo(ServerMain.class.getName());
      for (String entry : List.of("dev/signaling/server/ServerMain.class", "dev/signaling/core/SignalingHub.class",
          "dev/signaling/cluster/redis/RedisCluster.class", "dev/signaling/micrometer/SignalingMeterBinder.class",
          "io/lettuce/core/RedisClient.class", "org/java_websocket/WebSocket.class",
          "dev/signaling/transport/netty/SignalingServer.class",
          "META-INF/native/libnetty_transport_native_epoll_x86_64.so", "simplelogger.properties",
          "META-INF/services/org.slf4j.spi.SLF4JServiceProvider")) {
        assertThat(jar.getEntry(entry)).as(entry).isNotNull();
      }
    }
  }
}
