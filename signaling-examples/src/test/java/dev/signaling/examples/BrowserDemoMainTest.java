package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The browser demo's main: both servers from its flags, the page pointing at the signaling port. */
class BrowserDemoMainTest {

  @Test
  void startsBothServers_andThePageNamesTheSignalingPort() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BrowserDemo.Running running = BrowserDemo.start(new String[] {"--port", "0", "--web-port", "0"},
        new PrintStream(out, true, StandardCharsets.UTF_8))) {
      assertThat(running.server().host()).isEqualTo("127.0.0.1");
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("Browser demo: " + running.page().uri());
      HttpResponse<String> config = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(running.page().uri().resolve("/config.json")).timeout(TestClient.TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(config.body()).isEqualTo("{\"signalingPort\":" + running.server().port() + "}");
      try (WebSocketTestClient client = WebSocketTestClient.connect("client", running.server().webSocketUri(), HttpClient.newHttpClient())) {
        client.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}");
        assertThat(client.next()).startsWith("{\"type\":\"participants\"");
      }
    }
  }

  @Test
  void badArguments_areRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> BrowserDemo.start(new String[] {"--web-port", "http"}, System.out))
        .hasMessage("--web-port must be a port number from 0 to 65535: 'http'");
    assertThatThrownBy(() -> BrowserDemo.start(new String[] {"--verbose", "1"}, System.out))
        .hasMessage("unknown option --verbose");
    assertThatThrownBy(() -> BrowserDemo.start(new String[] {"--port"}, System.out)).hasMessage("--port needs a value");
  }
}
