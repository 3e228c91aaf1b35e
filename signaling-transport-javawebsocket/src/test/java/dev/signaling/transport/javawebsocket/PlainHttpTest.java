package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The request-head parsing and answers, without sockets. */
class PlainHttpTest {

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Test
  void endOfHead_isFoundFromAnyStartBeforeIt_andNotInAPartialHead() {
    byte[] head = bytes("GET / HTTP/1.1\r\nA: b\r\n\r\nrest");
    int end = "GET / HTTP/1.1\r\nA: b\r\n\r\n".length();
    assertThat(PlainHttp.endOfHead(head, 0, head.length)).isEqualTo(end);
    assertThat(PlainHttp.endOfHead(head, end - 4, head.length)).isEqualTo(end);
    assertThat(PlainHttp.endOfHead(head, -3, head.length)).isEqualTo(end);
    assertThat(PlainHttp.endOfHead(head, 0, end - 1)).isEqualTo(-1);
    assertThat(PlainHttp.endOfHead(bytes("GET / HTTP/1.1\n\n"), 0, 16)).isEqualTo(-1);
  }

  private static RequestHead parse(String head) {
    return RequestHead.parse(bytes(head), head.length());
  }

  @Test
  void parse_findsMethodTargetAndUpgrade() {
    RequestHead upgrade = parse("GET /room?x=1 HTTP/1.1\r\nHost: h\r\nupgrade:  WebSocket \r\nConnection: Upgrade\r\n\r\n");
    assertThat(upgrade.method()).isEqualTo("GET");
    assertThat(PlainHttp.path(upgrade.target())).isEqualTo("/room");
    assertThat(upgrade.isUpgrade()).isTrue();
    assertThat(parse("GET / HTTP/1.1\r\nUpgrade: h2c, websocket\r\n\r\n").isUpgrade()).isTrue();
    RequestHead plain = parse("HEAD /health?x HTTP/1.0\r\n\r\n");
    assertThat(plain.method()).isEqualTo("HEAD");
    assertThat(PlainHttp.path(plain.target())).isEqualTo("/health");
    assertThat(plain.isUpgrade()).isFalse();
    assertThat(parse("POST / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").isUpgrade())
        .as("an upgrade attempt, to be refused with 400, not plain HTTP").isTrue();
  }

  @Test
  void parse_collectsEveryOriginHeader() {
    assertThat(parse("GET / HTTP/1.1\r\nOrigin:  https://app.example.com \r\nUpgrade: websocket\r\n\r\n")
        .values("origin")).containsExactly("https://app.example.com");
    assertThat(parse("GET / HTTP/1.1\r\norigin: https://a.example\r\nORIGIN: https://b.example\r\n\r\n")
        .values("origin")).containsExactly("https://a.example", "https://b.example");
  }

  @Test
  void parse_refusesMalformedRequestLines() {
    for (String head : new String[] {"\r\n\r\n", "GET /\r\n\r\n", "GET  / HTTP/1.1\r\n\r\n", "GET / FTP\r\n\r\n"}) {
      assertThat(parse(head)).as(head).isNull();
    }
  }

  @Test
  void answers_carryExactContentLength() {
    String ok = new String(PlainHttp.answer(parse("GET /health HTTP/1.1\r\n\r\n"), false), StandardCharsets.UTF_8);
    assertThat(ok).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
        + "Content-Length: 11\r\nConnection: close\r\n\r\n{\"ok\":true}");
    String stopping = new String(PlainHttp.answer(parse("GET /health HTTP/1.1\r\n\r\n"), true), StandardCharsets.UTF_8);
    assertThat(stopping).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
        .contains("Content-Length: 12\r\n").endsWith("\r\n\r\n{\"ok\":false}");
  }
}
