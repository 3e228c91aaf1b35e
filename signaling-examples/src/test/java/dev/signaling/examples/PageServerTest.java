package dev.signaling.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The browser demo's HTTP server: its few files, config.json, and nothing else. */
class PageServerTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private PageServer pages;

  @BeforeEach
  void start() {
    pages = PageServer.start("127.0.0.1", 0, 3456);
  }

  @AfterEach
  void stop() {
    pages.close();
  }

  private HttpResponse<String> request(String method, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + pages.port() + path))
        .timeout(TIMEOUT)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void thePage_isServedAtTheRoot_withAStrictContentSecurityPolicy() throws Exception {
    HttpResponse<String> root = request("GET", "/?candidates=all&name=x");

    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(root.headers().firstValue("Content-Security-Policy")).get().asString()
        .contains("default-src 'none'").contains("script-src 'self'").contains("connect-src 'self' ws: wss:");
    assertThat(root.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(root.body()).contains("<script src=\"app.js\"></script>");
    assertThat(request("GET", "/index.html").body()).isEqualTo(root.body());
    assertThat(pages.uri()).isEqualTo(URI.create("http://127.0.0.1:" + pages.port() + "/"));
  }

  @Test
  void scriptAndStyle_haveTheirContentTypes() throws Exception {
    HttpResponse<String> script = request("GET", "/app.js");
    HttpResponse<String> style = request("GET", "/style.css");

    assertThat(script.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(script.body()).contains("new RTCPeerConnection({ iceServers: [] })");
    assertThat(style.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");
  }

  @Test
  void configJson_namesTheSignalingPort() throws Exception {
    HttpResponse<String> config = request("GET", "/config.json");

    assertThat(config.headers().firstValue("Content-Type")).contains("application/json; charset=utf-8");
    assertThat(config.body()).isEqualTo("{\"signalingPort\":3456}");
  }

  @Test
  void anythingElse_is404_evenAPathThatClimbsOut() throws Exception {
    assertThat(request("GET", "/pom.xml").statusCode()).isEqualTo(404);
    assertThat(request("GET", "/web/app.js").statusCode()).isEqualTo(404);
    assertThat(request("GET", "/../pom.xml").statusCode()).isEqualTo(404);
    assertThat(request("GET", "/%2e%2e/pom.xml").statusCode()).isEqualTo(404);
  }

  @Test
  void onlyGetAndHead_areAllowed() throws Exception {
    HttpResponse<String> post = request("POST", "/");
    HttpResponse<String> head = request("HEAD", "/app.js");

    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .contains(String.valueOf(request("GET", "/app.js").body().getBytes(StandardCharsets.UTF_8).length));
  }
}
