package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

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
    TestKeystore keystore = TestKeystore.get();
    HttpClient https = HttpClient.newBuilder().sslContext(keystore.clientContext()).build();
    String signatureA;
    String signatureB;
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Options options = Options.parse(new String[] {"--host", "127.0.0.1", "--port", "0", "--auth", "ed25519",
          "--max-message-bytes", "4096", "--allowed-origins", "https://app.example.com",
          "--tls-keystore", keystore.path().toString(), "--tls-keystore-password", TestKeystore.PASSWORD},
          Map.of());
      try (ServerMain.Running running = ServerMain.start(options, new PrintStream(new ByteArrayOutputStream()))) {
        var uri = running.server().webSocketUri();
        String registerA = ReadmeExamples.signedRegister(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        String registerB = ReadmeExamples.signedRegister(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        signatureA = signature(registerA);
        signatureB = signature(registerB);
        String nodeB = nodeId(registerB);
        try (TestSocket a = TestSocket.connect(https, uri); TestSocket b = TestSocket.connect(https, uri)) {
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
        try (TestSocket big = TestSocket.connect(https, uri)) {
          big.send("{\"type\":\"signal\",\"payload\":\"" + MARKER.repeat(500) + "\"}");
          assertThat(big.awaitClose()).isEqualTo(1009);
        }
        assertThatThrownBy(() -> TestSocket.connect(https, uri, Map.of("Origin", "https://" + MARKER + ".example")))
            .as("refused origin").isNotNull();
      }
    } finally {
      System.setErr(original);
    }

    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log).as("the capture works, DEBUG is on").contains(" DEBUG ", "Node joined: ");
    assertThat(log).doesNotContain(MARKER, signatureA, signatureB, TestKeystore.PASSWORD);
    List<String> aboveDebug = log.lines().filter(l -> l.matches(".* (INFO|WARN|ERROR) .*")).toList();
    assertThat(aboveDebug).as("lines above DEBUG").hasSize(2);
    assertThat(aboveDebug.get(0)).contains("INFO dev.signaling.transport.javawebsocket.SignalingServer",
        "Signaling server listening on 127.0.0.1:");
    assertThat(aboveDebug.get(1)).contains("INFO dev.signaling.transport.javawebsocket.SignalingServer", " stopped");
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
