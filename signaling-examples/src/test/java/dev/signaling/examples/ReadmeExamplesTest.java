package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.SignalingClient;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the README's snippets ({@link ReadmeExamples}) against real sockets. */
class ReadmeExamplesTest {

  private static final String HOST = "127.0.0.1";
  private static final String UNAUTHORIZED = "{\"type\":\"error\",\"error\":\"unauthorized\"}";

  private final HttpClient http = HttpClient.newHttpClient();
  private final List<AutoCloseable> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : started) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T keep(T closeable) {
    started.add(0, closeable);
    return closeable;
  }

  private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T value = queue.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(value).as("an event within %s", TestClient.TIMEOUT).isNotNull();
    return value;
  }

  private static String register(String nodeId) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + nodeId + "\"}";
  }

  @Test
  void events_hearJoinsRefusedSignalsAndCloses() throws Exception {
    BlockingQueue<String> joined = new LinkedBlockingQueue<>();
    BlockingQueue<String> refused = new LinkedBlockingQueue<>();
    BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
    SignalingServer server = keep(ReadmeExamples.events(HOST, 0, joined, refused, closed));
    WebSocketTestClient a = WebSocketTestClient.connect("client", server.webSocketUri(), http);
    a.send(register("a"));
    a.next();
    assertThat(next(joined)).isEqualTo("a");
    a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"nobody\",\"payload\":{}}");
    a.next();
    assertThat(next(refused)).matches("c\\d+: peer not found");
    a.close();
    assertThat(next(closed)).isEqualTo(1000);
  }

  @Test
  void embed_servesUntilTheApplicationIsDone_thenFreesThePort() throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    java.util.concurrent.atomic.AtomicReference<String> answer = new java.util.concurrent.atomic.AtomicReference<>();
    ReadmeExamples.embed(port, () -> {
      try (WebSocketTestClient a = WebSocketTestClient.connect("client", URI.create("ws://127.0.0.1:" + port), http)) {
        a.send(register("a"));
        answer.set(a.next());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
    assertThat(answer.get()).startsWith("{\"type\":\"participants\"");
    try (java.net.ServerSocket again = new java.net.ServerSocket(port)) {
      assertThat(again.getLocalPort()).as("the port is free again").isEqualTo(port);
    }
  }

  @Test
  void metrics_readTheSnapshot_andBindItToMicrometer() throws Exception {
    SignalingServer server = keep(SignalingServer.builder().host(HOST).port(0).start());
    try (WebSocketTestClient a = WebSocketTestClient.connect("client", server.webSocketUri(), http);
        WebSocketTestClient b = WebSocketTestClient.connect("client", server.webSocketUri(), http)) {
      a.send(register("a"));
      a.next();
      b.send(register("b"));
      b.next();
      a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":1}");
      b.next();
      a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"c\",\"payload\":1}");
      while (!a.next().contains("peer not found")) {
        // presence and participants for b come first
      }

      ReadmeExamples.MetricsRead read = ReadmeExamples.metrics(server);
      keep(read.binder());

      assertThat(read.signals()).isEqualTo(2);
      assertThat(read.peerNotFound()).isEqualTo(1);
      assertThat(read.scrape()).contains("signaling_messages_received_total{type=\"signal\"} 2.0\n",
          "signaling_errors_total{error=\"peer not found\"} 1.0\n");
    }
  }

  @Test
  void tls_fromAKeystoreFile_servesWssAndHttps() throws Exception {
    SignalingServer server = keep(ReadmeExamples.tls(HOST, 0, TestCertificate.get().serverContext()));
    HttpClient https = HttpClient.newBuilder().sslContext(TestCertificate.get().clientContext()).build();

    assertThat(server.webSocketUri().getScheme()).isEqualTo("wss");
    assertThat(https.send(HttpRequest.newBuilder(server.healthUri()).build(), HttpResponse.BodyHandlers.ofString())
        .body()).isEqualTo("{\"ok\":true}");
    try (WebSocketTestClient a = WebSocketTestClient.connect("client", server.webSocketUri(), https)) {
      a.send(register("a"));
      assertThat(a.next()).startsWith("{\"type\":\"participants\"");
    }
  }

  @Test
  void origins_admitTheListedOnes_andRefuseOthersWith403() throws Exception {
    SignalingServer server = keep(ReadmeExamples.origins(HOST, 0));
    assertThatThrownBy(() -> WebSocketTestClient.connect("client", server.webSocketUri(), http,
            Map.of("Origin", "https://evil.example")))
        .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(403));
    for (String origin : List.of("https://app.example.com", "http://localhost:8080")) {
      try (WebSocketTestClient ok = WebSocketTestClient.connect("client", server.webSocketUri(), http,
              Map.of("Origin", origin))) {
        ok.send(register("a"));
        assertThat(ok.next()).startsWith("{\"type\":\"participants\"");
      }
    }
    try (WebSocketTestClient nonBrowser = WebSocketTestClient.connect("client", server.webSocketUri(), http)) {
      nonBrowser.send(register("n"));
      assertThat(nonBrowser.next()).startsWith("{\"type\":\"participants\"");
    }
  }

  @Test
  void ed25519_acceptsTheClientSnippetsClient_andRefusesAnUnsignedRegister() throws Exception {
    SignalingServer server = keep(ReadmeExamples.ed25519(HOST, 0));
    try (WebSocketTestClient unsigned = WebSocketTestClient.connect("client", server.webSocketUri(), http)) {
      unsigned.send(register("a"));
      assertThat(unsigned.next()).isEqualTo(UNAUTHORIZED);
    }

    SignalingClient signed = keep(ReadmeClientExamples.signed(
        server.webSocketUri(), KeyPairGenerator.getInstance("Ed25519").generateKeyPair()));

    assertThat(signed.awaitRegistered(TestClient.TIMEOUT)).as("registered with its signature").isTrue();
    assertThat(server.participants()).extracting(Participant::nodeId).containsExactly(signed.nodeId());
  }

  @Test
  void client_awaitsItsRegistration_thenItsSendGoesOut() throws Exception {
    BlockingQueue<List<String>> assigned = new LinkedBlockingQueue<>();
    SignalingServer server = keep(SignalingServer.builder().host(HOST).port(0).listener(new SignalingListener() {
      @Override
      public void roleAssigned(String from, String nodeId, List<String> roles) {
        assigned.add(List.of(from, nodeId, String.join(",", roles)));
      }
    }).start());

    assertThat(ReadmeClientExamples.client(server.webSocketUri())).as("the send right after the wait").isTrue();

    assertThat(next(assigned)).containsExactly("a", "a", "relay");
  }

  @Test
  void customAuthenticator_readsTheTokenFromTheUpgradeQuery() throws Exception {
    SignalingServer server = keep(ReadmeExamples.tokenInQuery(HOST, 0, Set.of("t0k3n")));
    URI good = URI.create(server.webSocketUri() + "/?token=t0k3n");
    URI bad = URI.create(server.webSocketUri() + "/?token=guess");
    try (WebSocketTestClient refused = WebSocketTestClient.connect("client", bad, http); WebSocketTestClient admitted = WebSocketTestClient.connect("client", good, http)) {
      refused.send(register("r"));
      assertThat(refused.next()).isEqualTo(UNAUTHORIZED);
      admitted.send(register("a"));
      assertThat(admitted.next()).startsWith("{\"type\":\"participants\"");
    }
  }
}
