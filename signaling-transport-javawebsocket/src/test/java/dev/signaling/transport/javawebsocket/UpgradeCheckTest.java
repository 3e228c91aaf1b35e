package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RequestHead} and {@link UpgradeCheck}: what is an upgrade, and when it is complete. */
class UpgradeCheckTest {

  private static final String VALID = "GET /room HTTP/1.1\r\n"
      + "Host: example.com\r\n"
      + "Upgrade: websocket\r\n"
      + "Connection: keep-alive, Upgrade\r\n"
      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
      + "Sec-WebSocket-Version: 13\r\n"
      + "\r\n";

  private static RequestHead head(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return RequestHead.parse(bytes, bytes.length);
  }

  private static UpgradeCheck.Verdict check(String text) {
    return UpgradeCheck.check(head(text));
  }

  @Test
  void aCompleteUpgrade_passes_withTokensInAnyCaseAndOrder() {
    assertThat(check(VALID)).isEqualTo(UpgradeCheck.Verdict.UPGRADE);
    assertThat(check(VALID.replace("Upgrade: websocket", "upgrade: WebSocket")
        .replace("keep-alive, Upgrade", "UPGRADE"))).isEqualTo(UpgradeCheck.Verdict.UPGRADE);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "GET /room HTTP/1.1|POST /room HTTP/1.1",
      "GET /room HTTP/1.1|GET /room HTTP/1.0",
      "Connection: keep-alive, Upgrade|Connection: keep-alive",
      "Connection: keep-alive, Upgrade|Connection: upgrades",
      "Host: example.com\r\n|",
      "Host: example.com|Host:",
      "Host: example.com\r\n|Host: a\r\nHost: b\r\n",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n|",
      "dGhlIHNhbXBsZSBub25jZQ==|not base64 at all here!!",
      "dGhlIHNhbXBsZSBub25jZQ==|AQIDBA==",
      "dGhlIHNhbXBsZSBub25jZQ==|dGhlIHNhbXBsZSBub25jZQ",
      "dGhlIHNhbXBsZSBub25jZQ==|dGhlIHNhbXBsZSBub25jZRE=",
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n|"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
      "Sec-WebSocket-Version: 13\r\n|"})
  void anIncompleteUpgrade_isInvalid(String replacement) {
    String[] parts = replacement.split("\\|", -1);
    String request = VALID.replace(parts[0], parts[1]);
    assertThat(request).isNotEqualTo(VALID);
    assertThat(check(request)).as(request).isEqualTo(UpgradeCheck.Verdict.INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"8", "14", "13, 8", "thirteen"})
  void anotherVersion_isTheWrongVersion(String version) {
    assertThat(check(VALID.replace("Version: 13", "Version: " + version))).isEqualTo(UpgradeCheck.Verdict.WRONG_VERSION);
  }

  @Test
  void aHeadThatBreaksRFC9112_doesNotParse() {
    assertThat(head(VALID.replace("Host: example.com", "Host : example.com"))).as("space before the colon").isNull();
    assertThat(head(VALID.replace("Host: example.com", "Host: example.com\r\n folded"))).as("obs-fold").isNull();
    assertThat(head(VALID.replace("Host: example.com", "no colon here"))).isNull();
    assertThat(head(VALID.replace("\r\n", "\n"))).as("bare LF").isNull();
    assertThat(head(VALID.replace("Host: example.com", "Host: exa\rmple.com"))).as("bare CR").isNull();
    assertThat(head(VALID.replace("Host: example.com", "Host: exa\u0000mple.com"))).as("a control character").isNull();
    assertThat(head(VALID.replace("Host: example.com", "Host: exa\tmple.com"))).as("a tab is allowed").isNotNull();
  }

  @Test
  void bareLineBreaks_areFoundWhereverTheyAre_butACrAtTheEndMayStillGetItsLf() {
    byte[] bytes = "GET / HTTP/1.1\r\nA: b\nC: d\r".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(RequestHead.firstBareLineBreak(bytes, 0, bytes.length)).isEqualTo(20);
    assertThat(RequestHead.firstBareLineBreak(bytes, 0, 20)).isEqualTo(-1);
    assertThat(RequestHead.firstBareLineBreak(bytes, 21, bytes.length)).as("the final CR waits").isEqualTo(-1);
    byte[] lfFirst = "\n".getBytes(StandardCharsets.ISO_8859_1);
    assertThat(RequestHead.firstBareLineBreak(lfFirst, 0, 1)).isZero();
  }

  @Test
  void theAcceptKey_isRfc6455sExample() {
    assertThat(SignalingDraft.acceptKey("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Test
  void theDate_isAnImfFixdate() {
    assertThat(HttpDate.at(784111777)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    assertThat(HttpDate.at(784111777)).as("cached").isSameAs(HttpDate.at(784111777));
  }
}
