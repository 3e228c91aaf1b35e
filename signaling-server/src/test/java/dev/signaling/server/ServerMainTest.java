package dev.signaling.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The command line end to end: exit statuses, and servers started from flags, over real sockets. */
class ServerMainTest {

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private ServerMain.Running running;

  @AfterEach
  void stopServer() {
    if (running != null) {
      running.close();
    }
  }

  private ServerMain.Running start(String... args) {
    running = ServerMain.start(Options.parse(args, Map.of("HOST", "127.0.0.1", "PORT", "0")), out);
    return running;
  }

  private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  @Timeout(30)
  void aServerThatFails_closesItsClients1011_andRunEndsWithStatus3(Transport transport) throws Exception {
    start("--transport", transport.flagValue());
    WebSocketTestClient client = WebSocketTestClient.connect("client", running.server().webSocketUri());
    client.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
    client.next();
    java.util.concurrent.CompletableFuture<Integer> status = new java.util.concurrent.CompletableFuture<>();
    Thread waiting = new Thread(() -> {
      try {
        status.complete(ServerMain.awaitStop(running, out));
      } catch (Throwable t) {
        status.completeExceptionally(t);
      }
    }, "awaiting-stop");
    waiting.start();

    // What a transport does when an Error reaches one of its threads.
    running.server().hub().fail(new OutOfMemoryError("injected"));

    assertThat(client.awaitClose().code()).isEqualTo(1011);
    assertThat(status.get(TestClient.TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS))
        .as("the exit status a supervisor sees").isEqualTo(ServerMain.FAILED);
    assertThatThrownBy(() -> WebSocketTestClient.connect("late", running.server().webSocketUri()))
        .as("the server is closed").isNotNull();
  }

  @Test
  void badArguments_printOneLine_withoutTheUsage_exitStatus2() throws Exception {
    int status = ServerMain.run(new String[] {"--port", "abc"}, Map.of(), out, err);

    assertThat(status).isEqualTo(2);
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("error: --port must be a port number from 0 to 65535: 'abc'");
  }

  @Test
  void anUnknownTransport_printsOneLine_exitStatus2() throws Exception {
    int status = ServerMain.run(new String[] {"--transport", "jetty"}, Map.of(), out, err);

    assertThat(status).isEqualTo(2);
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("error: --transport must be java-websocket or netty: 'jetty'");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void eachTransport_startedFromTheCommandLine_relaysASignalBetweenTwoClients(Transport transport) throws Exception {
    start("--transport", transport.flagValue(), "--membership-interval", "0");
    assertThat(outBytes.toString(StandardCharsets.UTF_8))
        .contains("listening on 127.0.0.1:" + running.server().port() + " (" + transport.flagValue() + ")");
    int port = running.server().port();
    String netty = "signaling-netty-io-" + port; // Netty's event loops
    String javaWebSocket = "signaling-timer-" + port; // the Java-WebSocket transport's liveness timer
    assertThat(serverThreads()).as("the transport's own threads run it")
        .anyMatch(name -> name.startsWith(transport == Transport.NETTY ? netty : javaWebSocket))
        .noneMatch(name -> name.startsWith(transport == Transport.NETTY ? javaWebSocket : netty));
    URI uri = running.server().webSocketUri();
    try (WebSocketTestClient a = WebSocketTestClient.connect("a", uri);
        WebSocketTestClient b = WebSocketTestClient.connect("b", uri)) {
      a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      assertThat(a.next()).startsWith("{\"type\":\"participants\"");
      b.send("{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"bob\"}");
      assertThat(b.next()).startsWith("{\"type\":\"participants\"").contains("\"a\"", "\"b\"");

      a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":{\"sdp\":\"offer\"}}");
      assertThat(b.next()).isEqualTo("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":{\"sdp\":\"offer\"}}");
    }
  }

  private static java.util.List<String> serverThreads() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
  }

  @Test
  void anUnknownFlag_printsOneLine_pointingAtHelp_exitStatus2() throws Exception {
    int status = ServerMain.run(new String[] {"--prot", "3001"}, Map.of(), out, err);

    assertThat(status).isEqualTo(2);
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("error: unknown option --prot (--help lists them all)");
  }

  @Test
  void aBadEnvironmentVariable_exitStatus2_namingIt() throws Exception {
    int status = ServerMain.run(new String[0], Map.of("PING_INTERVAL", "soon"), out, err);

    assertThat(status).isEqualTo(2);
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines().findFirst())
        .hasValue("error: PING_INTERVAL must be a positive duration such as 500ms, 10s, 2m or 1h: 'soon'");
  }

  @Test
  void help_printsUsage_exitStatus0_withoutStarting() throws Exception {
    int status = ServerMain.run(new String[] {"--help"}, Map.of(), out, err);

    assertThat(status).isZero();
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEqualTo(Options.USAGE);
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  @Timeout(10) // were the bind to succeed after all, run() would serve until shutdown
  void aPortInUse_reportsIt_exitStatus1() throws Exception {
    start();
    String taken = String.valueOf(running.server().port());

    int status = ServerMain.run(new String[] {"--host", "127.0.0.1", "--port", taken}, Map.of(), out, err);

    assertThat(status).isEqualTo(1);
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains(taken).doesNotContain("Usage: ");
  }

  @Test
  @Timeout(10)
  void aKeystoreThatDoesNotLoad_exitStatus1_withoutShowingThePassword() throws Exception {
    String keystore = TestCertificate.get().keystore().toString();
    int status = ServerMain.run(new String[] {"--host", "127.0.0.1", "--port", "0", "--tls-keystore", keystore},
        Map.of("TLS_KEYSTORE_PASSWORD", "not-the-password"), out, err);

    assertThat(status).isEqualTo(1);
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
        .startsWith("error: cannot load the TLS keystore " + keystore + ": ")
        .contains("password")
        .doesNotContain("not-the-password");
  }

  @Test
  @Timeout(10)
  void aMissingKeystore_oneLineWithItsPathAndCause_exitStatus1() throws Exception {
    Path missing = Path.of("no-such-dir", "server.p12").toAbsolutePath();
    int status = ServerMain.run(new String[] {"--host", "127.0.0.1", "--port", "0", "--tls-keystore", "no-such-dir/server.p12"},
        Map.of(), out, err);

    assertThat(status).isEqualTo(1);
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("error: cannot load the TLS keystore " + missing + ": no such file");
  }

  @Test
  @Timeout(30)
  void aClusterWhoseRedisIsNotThere_oneLine_exitStatus1() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    int status = ServerMain.run(new String[] {"--host", "127.0.0.1", "--port", "0",
        "--cluster", "redis://:secret@127.0.0.1:" + closedPort}, Map.of(), out, err);

    assertThat(status).isEqualTo(1);
    assertThat(errBytes.toString(StandardCharsets.UTF_8).lines()).singleElement().asString()
        .startsWith("error: cannot connect to Redis at redis://***@127.0.0.1:" + closedPort)
        .doesNotContain("secret");
  }

  @Test
  void startedServer_answersHealth_andPrintsItsUrls() throws Exception {
    start();
    int port = running.server().port();
    assertThat(port).as("port 0 means a free port was chosen").isPositive();
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("ws://127.0.0.1:" + port, health.toString())
        .doesNotContain("Metrics:");

    HttpResponse<String> response = get(HttpClient.newHttpClient(), health);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"ok\":true}");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void limitsFromTheCommandLine_applyOverSockets(Transport transport) throws Exception {
    start("--transport", transport.flagValue(), "--max-message-bytes", "64", "--max-connections", "1",
        "--duplicate-policy", "REJECT");
    HttpClient http = HttpClient.newHttpClient();
    try (WebSocketTestClient a = WebSocketTestClient.connect("client", running.server().webSocketUri(), http)) {
      assertThatThrownBy(() -> WebSocketTestClient.connect("client", running.server().webSocketUri(), http))
          .as("a second connection over --max-connections 1")
          .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(503));
      a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
      a.next();
      a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"" + "x".repeat(100) + "\"}");
      assertThat(a.awaitClose().code()).as("over --max-message-bytes 64").isEqualTo(1009);
    }
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void everythingFromTheOutside_tlsOriginsEd25519AndMetrics_worksOverSockets(Transport transport) throws Exception {
    TestCertificate certificate = TestCertificate.get();
    running = ServerMain.start(Options.parse(
        new String[] {"--transport", transport.flagValue(), "--host", "127.0.0.1", "--port", "0", "--metrics-port", "0",
            "--auth", "ed25519", "--allowed-origins", "https://app.example.com"},
        Map.of("TLS_KEYSTORE", certificate.keystore().toString(),
            "TLS_KEYSTORE_PASSWORD", TestCertificate.PASSWORD, "TLS_KEYSTORE_TYPE", TestCertificate.TYPE)), out);
    URI wss = running.server().webSocketUri();
    assertThat(wss.getScheme()).isEqualTo("wss");
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains(wss.toString(), running.server().healthUri().toString(),
        "Metrics:   " + running.metrics().uri());
    HttpClient https = HttpClient.newBuilder().sslContext(certificate.clientContext()).build();

    assertThat(get(https, running.server().healthUri()).body()).isEqualTo("{\"ok\":true}");
    assertThatThrownBy(() -> WebSocketTestClient.connect("client", wss, https,
            Map.of("Origin", "https://evil.example")))
        .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));

    KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] spki = keys.getPublic().getEncoded();
    String nodeId = HexFormat.of().formatHex(spki, spki.length - 32, spki.length);
    try (WebSocketTestClient client = WebSocketTestClient.connect("client", wss, https,
            Map.of("Origin", "https://app.example.com"))) {
      client.send("{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"alice\"}");
      assertThat(client.next()).isEqualTo("{\"type\":\"error\",\"error\":\"unauthorized\"}");
      long now = System.currentTimeMillis();
      Signature signer = Signature.getInstance("Ed25519");
      signer.initSign(keys.getPrivate());
      signer.update(Ed25519Authenticator.challenge(nodeId, now).getBytes(StandardCharsets.UTF_8));
      client.send("{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"alice\",\"auth\":{\"timestamp\":"
          + now + ",\"signature\":\"" + HexFormat.of().formatHex(signer.sign()) + "\"}}");
      assertThat(client.next()).startsWith("{\"type\":\"participants\"").contains(nodeId);

      HttpResponse<String> scrape = get(HttpClient.newHttpClient(), running.metrics().uri());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.headers().firstValue("Content-Type")).hasValue(MetricsEndpoint.CONTENT_TYPE);
      assertThat(scrape.body()).contains("signaling_nodes_registered 1.0\n",
          "signaling_errors_total{error=\"unauthorized\"} 1.0\n",
          "signaling_messages_received_total{type=\"register\"} 2.0\n",
          "jvm_memory_used_bytes{");
    }
  }

  @Test
  void theMetricsPort_answersOnlyGetAndHeadOfMetrics() throws Exception {
    start("--metrics-port", "0");
    HttpClient http = HttpClient.newHttpClient();
    URI metrics = running.metrics().uri();
    assertThat(get(http, metrics.resolve("/other")).statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(metrics).POST(HttpRequest.BodyPublishers.noBody())
        .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    HttpResponse<String> head = http.send(HttpRequest.newBuilder(metrics).method("HEAD", HttpRequest.BodyPublishers.noBody())
        .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(get(http, metrics).body()).contains("# TYPE signaling_connections_open gauge");
  }

  @Test
  void printable_escapesControlCharacters_soNoClientForgesALogLine() {
    assertThat(LoggingListener.printable("alice")).isEqualTo("alice");
    assertThat(LoggingListener.printable("a\nINFO forged\u2028")).isEqualTo("a\\u000aINFO forged\\u2028");
  }
}
