package dev.signaling.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.client.Ed25519Signer;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The logging policy, checked on what the server really writes (slf4j-simple to stderr, at DEBUG
 * for {@code dev.signaling} in these tests) during real traffic over sockets: above DEBUG only
 * the server's start and stop, however many messages; at no level a payload, a signature or the
 * keystore password.
 */
class LoggingTest {

  private static final String MARKER = "PAYLOAD-MARKER";
  private static final Pattern SIGNATURE = Pattern.compile("\"signature\":\"([0-9a-f]+)\"");

  @Test
  void realTraffic_logsNothingAboveDebugPerMessage_andNoPayloadSignatureOrPassword() throws Exception {
    TestCertificate keystore = TestCertificate.get();
    HttpClient https = HttpClient.newBuilder().sslContext(keystore.clientContext()).build();
    String signatureA;
    String signatureB;
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Options options = Options.parse(new String[] {"--host", "127.0.0.1", "--port", "0", "--auth", "ed25519",
          "--max-message-bytes", "4096", "--allowed-origins", "https://app.example.com",
          "--tls-keystore", keystore.keystore().toString(), "--tls-keystore-password", TestCertificate.PASSWORD},
          Map.of());
      try (ServerMain.Running running = ServerMain.start(options, new PrintStream(new ByteArrayOutputStream()))) {
        var uri = running.server().webSocketUri();
        String registerA = signedRegister();
        String registerB = signedRegister();
        signatureA = signature(registerA);
        signatureB = signature(registerB);
        String nodeB = nodeId(registerB);
        try (WebSocketTestClient a = WebSocketTestClient.connect("a", uri, https);
            WebSocketTestClient b = WebSocketTestClient.connect("b", uri, https)) {
          a.send("{\"type\":\"register\",\"nodeId\":\"x\",\"username\":\"" + MARKER + "\"}"); // unauthorized
          a.next();
          a.send(registerA);
          a.next();
          b.send(registerB);
          b.next();
          for (int i = 0; i < 50; i++) {
            a.send("{\"type\":\"signal\",\"from\":\"" + nodeId(registerA) + "\",\"to\":\"" + nodeB
                + "\",\"payload\":\"" + MARKER + "-" + i + "\"}");
          }
          a.send("{\"type\":\"signal\",\"from\":\"" + nodeId(registerA) + "\",\"to\":\"nobody\",\"payload\":\"" + MARKER + "\"}");
          a.send("{\"" + MARKER + " is not JSON");
          a.send("{\"type\":\"" + MARKER + "\"}");
          for (int i = 0; i < 50; i++) {
            b.next(); // presence, participants, then the 50 signals, in some order of arrival
          }
        }
        try (WebSocketTestClient big = WebSocketTestClient.connect("client", uri, https)) {
          big.send("{\"type\":\"signal\",\"payload\":\"" + MARKER.repeat(500) + "\"}");
          assertThat(big.awaitClose().code()).isEqualTo(1009);
        }
        assertThatThrownBy(() -> WebSocketTestClient.connect("client", uri, https,
                Map.of("Origin", "https://" + MARKER + ".example")))
            .as("refused origin").isNotNull();
      }
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the capture works, DEBUG is on").contains(" DEBUG ", "Node joined: ");
    assertThat(log).doesNotContain(MARKER, signatureA, signatureB, TestCertificate.PASSWORD);
    List<String> aboveDebug = log.lines().filter(l -> l.matches(".* (INFO|WARN|ERROR) .*")).toList();
    assertThat(aboveDebug).as("lines above DEBUG").hasSize(2);
    assertThat(aboveDebug.get(0)).contains("INFO dev.signaling.transport.javawebsocket.SignalingServer",
        "Signaling server listening on 127.0.0.1:");
    assertThat(aboveDebug.get(1)).contains("INFO dev.signaling.transport.javawebsocket.SignalingServer", " stopped");
  }

  /** A register that proves a fresh key, with the {@code auth} object of the client's signer. */
  private static String signedRegister() throws GeneralSecurityException {
    Ed25519Signer signer = Ed25519Signer.of(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    return "{\"type\":\"register\",\"nodeId\":\"" + signer.nodeId() + "\",\"username\":\"alice\",\"auth\":"
        + signer.authJson(signer.nodeId()) + "}";
  }

  /**
   * The README's logging configuration (this module's main {@code simplelogger.properties}) in a
   * server process of its own: a client that sends invalid UTF-8 in a text frame makes
   * Java-WebSocket log an ERROR with a stack trace, unless that configuration switches it off.
   */
  @Test
  void theReadmeConfiguration_keepsAServerProcessToItsStartAndStop(@TempDir java.nio.file.Path dir) throws Exception {
    // The test's class path without test classes: this module's main classes first (with the
    // README's simplelogger.properties, the only one left), both transports and their libraries.
    List<String> classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.endsWith("test-classes")).toList();
    assertThat(classPath.get(0)).as("this module's main classes, with the README's simplelogger.properties, first")
        .isEqualTo(java.nio.file.Path.of(ServerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
    Process server = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", String.join(java.io.File.pathSeparator, classPath), ServerMain.class.getName(),
        "--host", "127.0.0.1", "--port", "0", "--max-message-bytes", "64")
        .redirectError(dir.resolve("stderr.txt").toFile()).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(
          new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
      java.net.URI uri = null;
      for (String line = out.readLine(); line != null && uri == null; line = out.readLine()) {
        if (line.startsWith("  WebSocket: ")) {
          uri = java.net.URI.create(line.substring("  WebSocket: ".length()));
        }
      }
      assertThat(uri).as("the server printed its URL").isNotNull();
      HttpClient http = HttpClient.newHttpClient();
      try (WebSocketTestClient client = WebSocketTestClient.connect("client", uri, http)) {
        client.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
        client.next();
        client.send("{\"type\":\"signal\",\"payload\":\"" + MARKER.repeat(10) + "\"}");
        assertThat(client.awaitClose().code()).isEqualTo(1009);
      }
      assertThat(sendInvalidUtf8(uri.getPort())).as("close code for invalid UTF-8").isEqualTo(1007);
    } finally {
      server.destroy(); // SIGTERM: the shutdown hook closes the server
    }
    assertThat(server.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("the server process ends").isTrue();
    List<String> log = java.nio.file.Files.readAllLines(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
    assertThat(log).as("everything the server logged").hasSize(3);
    assertThat(log.get(0)).contains(" INFO SignalingServer - Signaling server listening on 127.0.0.1:");
    assertThat(log.get(1)).contains(" INFO ServerMain - Shutting down");
    assertThat(log.get(2)).contains(" INFO SignalingServer - Signaling server on 127.0.0.1:").endsWith(" stopped");
  }

  /** Upgrades a raw socket, sends a text frame that is not UTF-8, and returns the close code. */
  private static int sendInvalidUtf8(int port) throws java.io.IOException {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
      for (int matched = 0; matched < 4; ) { // the 101 head
        int b = in.read();
        matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      // FIN + text, masked (mask 0), 2 bytes: 0xC3 0x28 is not UTF-8.
      out.write(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, (byte) 0xC3, 0x28});
      while (true) {
        int opcode = in.readUnsignedByte() & 0x0F;
        byte[] payload = new byte[in.readUnsignedByte() & 0x7F];
        in.readFully(payload);
        if (opcode == 0x8) {
          return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
      }
    }
  }

  private static String signature(String register) {
    Matcher m = SIGNATURE.matcher(register);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String nodeId(String register) {
    Matcher m = Pattern.compile("\"nodeId\":\"([0-9a-f]+)\"").matcher(register);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }
}
