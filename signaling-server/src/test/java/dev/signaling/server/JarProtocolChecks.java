package dev.signaling.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Tried as a new user would: {@code java -jar signaling-server.jar --transport ...}, in a process
 * of its own, and every message, error text, endpoint and limit of docs/protocol.md that a client
 * can reach from outside, over real sockets (the JDK's WebSocket client, and raw bytes where a
 * client library would refuse to misbehave). What only an embedding application can reach (a role
 * policy, {@code disconnect}, an {@code Error}) or only a crowd can (slow consumers, memory
 * bounds) is the transport kit's, run on each transport in its module. A subclass per transport
 * names it; the checks are the same for both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JarProtocolChecks {

  private static final String SMALL_LIMITS = "--max-message-bytes=2048 --max-id-length=16 --max-key-length=32 "
      + "--max-roles=2 --max-role-length=8 --rate-limit=30 --rate-burst=30 --membership-interval=0 "
      + "--max-total-partial-bytes=4000 --allowed-origins=https://app.example.com";

  private JarProcess jar;
  private URI webSocket;
  private URI healthUri;
  private int port;
  private final HttpClient http = HttpClient.newHttpClient();

  /** The transport under test, as {@code --transport} names it. */
  abstract String transport();

  @BeforeAll
  void startJar() throws Exception {
    jar = JarProcess.server(("--transport " + transport() + " --host 127.0.0.1 --port 0 " + SMALL_LIMITS).split(" "));
    assertThat(jar.awaitLine("Signaling server listening on ")).endsWith(" (" + transport() + ")");
    webSocket = jar.awaitUri("  WebSocket: ");
    healthUri = jar.awaitUri("  Health:    ");
    port = webSocket.getPort();
    jar.awaitLine("Press Ctrl-C to stop.");
  }

  @AfterAll
  void stopJar() throws Exception {
    jar.close();
  }

  private WebSocketTestClient connect(String name) throws Exception {
    return WebSocketTestClient.connect(name, webSocket);
  }

  private static String register(String nodeId, String username) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + username + "\"}";
  }

  private static String error(String text) {
    return "{\"type\":\"error\",\"error\":\"" + text + "\"}";
  }

  private String rawHttp(String request) throws IOException {
    try (RawSocket socket = new RawSocket(port)) {
      socket.write(request);
      return socket.readToEndAscii();
    }
  }

  @Test
  void plainHttp_healthAndEveryRefusal_asTheEndpointsTableSays() throws Exception {
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(healthUri.resolve("/health?probe=1"))
        .timeout(TestClient.TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
    assertThat(health.body()).isEqualTo("{\"ok\":true}");

    assertThat(rawHttp("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 200 ")
        .contains("Content-Length: 11\r\n", "Connection: close\r\n").endsWith("\r\n\r\n");
    assertThat(rawHttp("GET /other HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 404 ")
        .endsWith("\r\n\r\n{\"error\":\"not found\"}");
    assertThat(rawHttp("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431 ").endsWith("{\"error\":\"request head too large\"}");
    assertThat(rawHttp("GET /health HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"))
        .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"bad request\"}");
    assertThat(rawHttp(RawSocket.upgradeRequest("/", "").replace("Sec-WebSocket-Key", "X-Not-The-Key")))
        .startsWith("HTTP/1.1 400 ").endsWith("{\"error\":\"invalid websocket upgrade\"}");
    assertThat(rawHttp(RawSocket.upgradeRequest("/", "").replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")))
        .startsWith("HTTP/1.1 426 ").contains("Sec-WebSocket-Version: 13\r\n", "Upgrade: websocket\r\n")
        .endsWith("{\"error\":\"unsupported websocket version\"}");
    assertThat(rawHttp(RawSocket.upgradeRequest("/", "Origin: https://evil.example\r\n")))
        .isEqualTo("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: 30\r\n"
            + "Connection: close\r\n\r\n{\"error\":\"origin not allowed\"}");

    try (Upgrade allowed = Upgrade.from("127.0.0.1", port, "Origin: HTTPS://App.Example.com:443\r\n")) {
      assertThat(allowed.head()).as("an allowed origin, compared as browsers serialize it")
          .startsWith("HTTP/1.1 101 ").doesNotContainIgnoringCase("Server:");
    }
  }

  @Test
  void everyMessage_registerHeartbeatRoleAssignSignalDisconnect_exactlyAsDocumented() throws Exception {
    try (WebSocketTestClient a = connect("a"); WebSocketTestClient b = connect("b")) {
      a.send(register("a", "alice"));
      assertThat(a.next()).isEqualTo("{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"alice\"}]}");
      a.send("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"relay\"]}");
      assertThat(a.next()).isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"relay\"],\"from\":\"a\"}");

      b.send("{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"bob\",\"publicKey\":\"pk\",\"encryptionKey\":\"ek\"}");
      assertThat(a.next()).isEqualTo(
          "{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"b\",\"username\":\"bob\",\"publicKey\":\"pk\",\"encryptionKey\":\"ek\"}");
      String both = "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"alice\"},"
          + "{\"nodeId\":\"b\",\"username\":\"bob\",\"encryptionKey\":\"ek\"}]}";
      assertThat(a.next()).isEqualTo(both);
      assertThat(b.next()).isEqualTo(both);
      assertThat(b.next()).as("a's roles, replayed to the late joiner")
          .isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"relay\"],\"from\":\"a\"}");

      a.send("{\"type\":\"heartbeat\"}");
      assertThat(b.next()).isEqualTo("{\"type\":\"heartbeat\",\"from\":\"a\"}");
      String signal = "{\"type\":\"signal\", \"from\":\"b\",\"to\":\"a\",\"payload\":{\"sdp\":\"v=0\\r\\n\",\"n\":[1,2.5e3]}}";
      b.sendBinary(signal.getBytes(StandardCharsets.UTF_8)); // a binary frame is handled as text
      assertThat(a.next()).as("forwarded exactly as received, in a text frame").isEqualTo(signal);

      b.close();
      assertThat(a.next()).isEqualTo(
          "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"b\",\"username\":\"bob\",\"publicKey\":\"pk\",\"encryptionKey\":\"ek\"}");
      assertThat(a.next()).isEqualTo("{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"alice\"}]}");
    }
  }

  @Test
  void everyErrorText_thatAClientCanCause() throws Exception {
    try (WebSocketTestClient c = connect("c")) {
      c.send("{\"type\":\"signal\",\"from\":\"c\",\"to\":\"x\",\"payload\":{}}");
      assertThat(c.next()).isEqualTo(error("not registered"));
      c.send("{\"type\":\"role-assign\",\"nodeId\":\"c\",\"roles\":[]}");
      assertThat(c.next()).isEqualTo(error("not registered"));
      c.send("not json");
      assertThat(c.next()).isEqualTo(error("invalid JSON"));
      c.sendBinary(new byte[] {(byte) 0xC3, (byte) 0x28});
      assertThat(c.next()).as("a binary frame that is not UTF-8").isEqualTo(error("invalid JSON"));
      c.send("[1]");
      assertThat(c.next()).isEqualTo(error("invalid message"));
      c.send("{\"type\":\"heartbeat\",\"type\":\"heartbeat\"}");
      assertThat(c.next()).isEqualTo(error("invalid message"));
      c.send("{\"type\":\"participants\"}");
      assertThat(c.next()).isEqualTo(error("unknown type"));
      c.send("{\"type\":\"register\",\"nodeId\":7,\"username\":\"carol\"}");
      assertThat(c.next()).isEqualTo(error("missing nodeId or username"));
      c.send("{\"type\":\"register\",\"nodeId\":\"c\",\"username\":\"carol\",\"publicKey\":1}");
      assertThat(c.next()).isEqualTo(error("invalid key"));
      c.send(register("c".repeat(17), "carol"));
      assertThat(c.next()).as("over --max-id-length 16").isEqualTo(error("field too long"));
      c.send("{\"type\":\"register\",\"nodeId\":\"c\",\"username\":\"carol\",\"publicKey\":\"" + "k".repeat(33) + "\"}");
      assertThat(c.next()).as("over --max-key-length 32").isEqualTo(error("field too long"));

      c.send(register("c", "carol"));
      assertThat(c.next()).startsWith("{\"type\":\"participants\"");
      c.send("{\"type\":\"signal\",\"to\":\"x\",\"payload\":{}}");
      assertThat(c.next()).isEqualTo(error("missing to or from"));
      c.send("{\"type\":\"signal\",\"from\":\"other\",\"to\":\"c\",\"payload\":{}}");
      assertThat(c.next()).isEqualTo(error("from does not match registered nodeId"));
      c.send("{\"type\":\"signal\",\"from\":\"c\",\"to\":\"nobody\",\"payload\":{}}");
      assertThat(c.next()).isEqualTo("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"nobody\"}");
      c.send("{\"type\":\"role-assign\",\"nodeId\":\"c\",\"roles\":[\"a\",\"b\",\"c\"]}");
      assertThat(c.next()).as("over --max-roles 2").isEqualTo(error("missing nodeId or roles"));
      c.send("{\"type\":\"role-assign\",\"nodeId\":\"c\",\"roles\":[\"" + "r".repeat(9) + "\"]}");
      assertThat(c.next()).as("over --max-role-length 8").isEqualTo(error("missing nodeId or roles"));

      try (WebSocketTestClient again = connect("again")) {
        again.send(register("c", "carol2"));
        assertThat(again.next()).startsWith("{\"type\":\"participants\"");
        assertThat(c.next()).isEqualTo(error("replaced by a newer registration"));
        TestClient.CloseStatus replaced = c.awaitClose();
        assertThat(replaced.code()).isEqualTo(4001);
        assertThat(replaced.reason()).isEqualTo("replaced");
      }
    }
  }

  @Test
  void theRateLimit_answersOncePerSecond_andDropsTheMessages() throws Exception {
    try (WebSocketTestClient d = connect("d")) {
      for (int i = 0; i < 40; i++) {
        d.send("{\"type\":\"heartbeat\"}"); // unregistered: never answered, but counted
      }
      assertThat(d.next()).as("over --rate-limit 30 --rate-burst 30").isEqualTo(error("rate limit exceeded"));
    }
  }

  @Test
  void frameLimitsAndViolations_closeWithTheDocumentedCodes() throws Exception {
    try (WebSocketTestClient big = connect("big")) {
      big.send("{\"type\":\"heartbeat\",\"pad\":\"" + "x".repeat(2100) + "\"}");
      assertThat(big.awaitClose()).as("over --max-message-bytes 2048")
          .isEqualTo(new TestClient.CloseStatus(1009, "Payload limit reached."));
    }
    try (RawSocket badUtf8 = new RawSocket(port).upgrade("/")) {
      badUtf8.sendFrame(true, RawSocket.TEXT, new byte[] {'"', (byte) 0xC3, (byte) 0x28, '"'});
      assertThat(badUtf8.awaitClose()).isEqualTo(1007);
    }
    try (RawSocket a = new RawSocket(port).upgrade("/");
        RawSocket b = new RawSocket(port).upgrade("/");
        RawSocket c = new RawSocket(port).upgrade("/")) {
      // First fragments: 1,500 + 1,500 bytes fit --max-total-partial-bytes 4000, 1,900 more do not.
      // Whatever order they arrive in, c holds the most.
      a.sendFrame(false, RawSocket.TEXT, ("\"" + "a".repeat(1499)).getBytes(StandardCharsets.UTF_8));
      b.sendFrame(false, RawSocket.TEXT, ("\"" + "b".repeat(1499)).getBytes(StandardCharsets.UTF_8));
      c.sendFrame(false, RawSocket.TEXT, ("\"" + "c".repeat(1899)).getBytes(StandardCharsets.UTF_8));
      assertThat(c.awaitClose()).as("the largest holder, once the total passed the budget").isEqualTo(1009);
      a.sendFrame(true, RawSocket.CONTINUATION, "\"".getBytes(StandardCharsets.UTF_8));
      assertThat(a.readFrame().text()).as("a string, not an object: answered, a held on")
          .isEqualTo(error("invalid message"));
    }
    try (RawSocket unmasked = new RawSocket(port).upgrade("/")) {
      unmasked.write(RawSocket.frame(0x80 | RawSocket.TEXT, false, "{\"type\":\"heartbeat\"}".getBytes(StandardCharsets.UTF_8)));
      assertThat(unmasked.awaitClose()).isEqualTo(1002);
    }
  }

  @Test
  @Timeout(120)
  void withAuthAndSmallCaps_unauthorizedRejectPerAddressAndTotalCapsTimeouts_andSigtermCloses1001() throws Exception {
    try (JarProcess capped = JarProcess.server("--transport", transport(), "--host", "127.0.0.1", "--port", "0",
        "--auth", "ed25519", "--duplicate-policy", "REJECT", "--max-connections", "3", "--max-connections-per-address", "2",
        "--register-timeout", "3s", "--handshake-timeout", "1s")) {
      URI uri = capped.awaitUri("  WebSocket: ");
      capped.awaitLine("Press Ctrl-C to stop.");
      KeyPair keys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] spki = keys.getPublic().getEncoded();
      String nodeId = HexFormat.of().formatHex(spki, spki.length - 32, spki.length);

      WebSocketTestClient first = WebSocketTestClient.connect("first", uri);
      first.send(register(nodeId, "alice"));
      assertThat(first.next()).as("no proof of the key").isEqualTo(error("unauthorized"));
      first.send(signedRegister(keys, nodeId));
      assertThat(first.next()).startsWith("{\"type\":\"participants\"").contains(nodeId);
      WebSocketTestClient second = WebSocketTestClient.connect("second", uri);
      second.send(signedRegister(keys, nodeId));
      assertThat(second.next()).as("--duplicate-policy REJECT").isEqualTo(error("nodeId already registered"));

      assertThatThrownBy(() -> WebSocketTestClient.connect("third", uri))
          .as("a third connection from 127.0.0.1, over --max-connections-per-address 2")
          .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
              e -> assertThat(e.getResponse().statusCode()).isEqualTo(429));
      try (Upgrade fromAnother = Upgrade.from("127.0.0.2", uri.getPort(), "");
          Upgrade overTheTotal = Upgrade.from("127.0.0.3", uri.getPort(), "")) {
        assertThat(fromAnother.head()).as("another address: the third connection").startsWith("HTTP/1.1 101 ");
        assertThat(overTheTotal.head()).as("a fourth, over --max-connections 3").startsWith("HTTP/1.1 503 ")
            .endsWith("{\"error\":\"too many connections\"}");
      }

      TestClient.CloseStatus timedOut = second.awaitClose();
      assertThat(timedOut.code()).as("refused, so never registered: --register-timeout 3s").isEqualTo(1008);
      assertThat(timedOut.reason()).isEqualTo("register timeout");
      try (RawSocket slow = new RawSocket(uri.getPort())) {
        slow.write("GET /health HTTP/1.1\r\nHost: x\r\n"); // and never the blank line
        assertThat(slow.readToEnd()).as("closed without an answer after --handshake-timeout 1s").isEmpty();
      }

      capped.stop();
      TestClient.CloseStatus shutdown = first.awaitClose();
      assertThat(shutdown.code()).isEqualTo(1001);
      assertThat(shutdown.reason()).isEqualTo("server shutting down");
    }
  }

  private static String signedRegister(KeyPair keys, String nodeId) throws Exception {
    long now = System.currentTimeMillis();
    Signature signer = Signature.getInstance("Ed25519");
    signer.initSign(keys.getPrivate());
    signer.update(Ed25519Authenticator.challenge(nodeId, now).getBytes(StandardCharsets.UTF_8));
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"alice\",\"auth\":{\"timestamp\":"
        + now + ",\"signature\":\"" + HexFormat.of().formatHex(signer.sign()) + "\"}}";
  }

  /**
   * A WebSocket upgrade sent from a loopback address of our choice (Linux routes all of
   * 127.0.0.0/8 to the loopback interface), so that one test machine can be several clients'
   * addresses; holds the connection open until closed.
   *
   * @param socket the connection
   * @param head the server's answer head, or the whole answer when the server closed after it
   */
  record Upgrade(Socket socket, String head) implements AutoCloseable {
    static Upgrade from(String localAddress, int port, String extraHeaders) throws IOException {
      Socket socket = new Socket();
      try {
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TestClient.TIMEOUT.toMillis());
        socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
        socket.getOutputStream().write(RawSocket.upgradeRequest("/", extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        String text = "";
        // A 101 keeps the connection open: read its head. A refusal closes it: read it all.
        for (int b = in.read(); b != -1; b = in.read()) {
          head.write(b);
          text = head.toString(StandardCharsets.ISO_8859_1);
          if (text.startsWith("HTTP/1.1 101 ") && text.endsWith("\r\n\r\n")) {
            break;
          }
        }
        return new Upgrade(socket, text);
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
