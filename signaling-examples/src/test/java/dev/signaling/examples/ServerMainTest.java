package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ServerMainTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
  private SignalingServer server;

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void withNothingGiven_listensOnAllInterfacesPort3001() {
    assertThat(Options.parse(new String[0], Map.of()))
        .isEqualTo(new Options("0.0.0.0", 3001, false));
  }

  @Test
  void environmentSetsPortAndHost() {
    assertThat(Options.parse(new String[0], Map.of("PORT", "4000", "HOST", "127.0.0.1")))
        .isEqualTo(new Options("127.0.0.1", 4000, false));
  }

  @Test
  void flagsWinOverEnvironment() {
    Options options =
        Options.parse(
            new String[] {"--port", "5000", "--host", "::1"},
            Map.of("PORT", "4000", "HOST", "127.0.0.1"));
    assertThat(options).isEqualTo(new Options("::1", 5000, false));
  }

  @Test
  void flagsAcceptTheEqualsForm() {
    assertThat(Options.parse(new String[] {"--port=0", "--host=localhost"}, Map.of()))
        .isEqualTo(new Options("localhost", 0, false));
  }

  @Test
  void emptyEnvironmentVariablesCountAsUnset() {
    assertThat(Options.parse(new String[0], Map.of("PORT", "", "HOST", " ")))
        .isEqualTo(new Options("0.0.0.0", 3001, false));
  }

  @Test
  void helpWinsEvenOverABadArgument() {
    assertThat(Options.parse(new String[] {"--port", "nope", "--help"}, Map.of()).help()).isTrue();
    assertThat(Options.parse(new String[] {"-h"}, Map.of()).help()).isTrue();
  }

  @Test
  void webPort_isOffByDefault_andSetByItsFlag() {
    assertThat(Options.parse(new String[0], Map.of()).webPort()).isEqualTo(Options.NO_WEB);
    assertThat(Options.parse(new String[] {"--web-port", "8080"}, Map.of()).webPort()).isEqualTo(8080);
    assertThat(Options.parse(new String[] {"--web-port=0"}, Map.of()).webPort()).isZero();
    assertThatThrownBy(() -> Options.parse(new String[] {"--web-port", "x"}, Map.of()))
        .hasMessageContaining("--web-port").hasMessageContaining("'x'");
  }

  @Test
  void badValuesAreRejectedWithAMessageNamingThem() {
    assertThatThrownBy(() -> Options.parse(new String[] {"--port", "abc"}, Map.of()))
        .isInstanceOf(Options.UsageException.class)
        .hasMessageContaining("--port")
        .hasMessageContaining("'abc'");
    assertThatThrownBy(() -> Options.parse(new String[] {"--port", "65536"}, Map.of()))
        .hasMessageContaining("'65536'");
    assertThatThrownBy(() -> Options.parse(new String[] {"--port", "-1"}, Map.of()))
        .hasMessageContaining("'-1'");
    assertThatThrownBy(() -> Options.parse(new String[] {"--port"}, Map.of()))
        .hasMessage("--port needs a value");
    assertThatThrownBy(() -> Options.parse(new String[] {"--host", ""}, Map.of()))
        .hasMessage("--host must not be empty");
    assertThatThrownBy(() -> Options.parse(new String[] {"--verbose"}, Map.of()))
        .hasMessage("unknown argument: --verbose");
    assertThatThrownBy(() -> Options.parse(new String[0], Map.of("PORT", "x")))
        .as("a bad environment variable is named as such")
        .hasMessageStartingWith("PORT ");
  }

  @Test
  void aFlagMakesABadEnvironmentValueIrrelevant() {
    String[] args = {"--port", "1", "--host", "h"};
    Options options = Options.parse(args, Map.of("PORT", "x", "HOST", "?"));
    assertThat(options).isEqualTo(new Options("h", 1, false));
  }

  @Test
  void badArguments_printOneLineErrorAndUsage_exitStatus2() throws Exception {
    int status = ServerMain.run(new String[] {"--port", "abc"}, Map.of(), out, err);

    assertThat(status).isEqualTo(2);
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).isEmpty();
    String[] lines = errBytes.toString(StandardCharsets.UTF_8).split("\\R");
    assertThat(lines[0]).startsWith("error: ").contains("'abc'");
    assertThat(lines[1]).startsWith("Usage: ");
  }

  @Test
  void help_printsUsage_exitStatus0_withoutStarting() throws Exception {
    int status = ServerMain.run(new String[] {"--help"}, Map.of(), out, err);

    assertThat(status).isZero();
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).startsWith("Usage: ").contains("--port");
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  @Timeout(10) // were the bind to succeed after all, run() would serve until shutdown
  void aPortInUse_reportsIt_exitStatus1() throws Exception {
    server = ServerMain.start(new Options("127.0.0.1", 0, false), out);
    String taken = String.valueOf(server.port());

    int status =
        ServerMain.run(new String[] {"--host", "127.0.0.1", "--port", taken}, Map.of(), out, err);

    assertThat(status).isEqualTo(1);
    assertThat(errBytes.toString(StandardCharsets.UTF_8))
        .startsWith("error: ")
        .contains(taken)
        .doesNotContain("Usage: ");
  }

  @Test
  void withWebPort_theBrowserDemoIsServed_pointingAtTheSignalingPort() throws Exception {
    Options options = Options.parse(new String[] {"--host", "127.0.0.1", "--port", "0", "--web-port", "0"}, Map.of());
    server = ServerMain.start(options, out);
    try (PageServer page = ServerMain.startBrowserDemo(options, server, out)) {
      assertThat(outBytes.toString(StandardCharsets.UTF_8)).contains("Browser demo: " + page.uri());
      HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
      HttpResponse<String> config = http.send(
          HttpRequest.newBuilder(page.uri().resolve("/config.json")).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(config.body()).isEqualTo("{\"signalingPort\":" + server.port() + "}");
    }
  }

  @Test
  void withoutWebPort_noBrowserDemoIsServed() {
    server = ServerMain.start(new Options("127.0.0.1", 0, false), out);
    assertThat(ServerMain.startBrowserDemo(new Options("127.0.0.1", 0, false), server, out)).isNull();
    assertThat(outBytes.toString(StandardCharsets.UTF_8)).doesNotContain("Browser demo");
  }

  @Test
  void startedServer_answersHealth_andPrintsItsUrls() throws Exception {
    server =
        ServerMain.start(
            Options.parse(new String[] {"--port", "0"}, Map.of("HOST", "127.0.0.1")), out);

    assertThat(server.port()).as("port 0 means a free port was chosen").isPositive();
    URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");
    assertThat(outBytes.toString(StandardCharsets.UTF_8))
        .contains("ws://127.0.0.1:" + server.port())
        .contains(health.toString());

    HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(health).timeout(TIMEOUT).GET().build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"ok\":true}");
  }
}
