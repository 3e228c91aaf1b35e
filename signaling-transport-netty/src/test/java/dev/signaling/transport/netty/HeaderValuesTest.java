package dev.signaling.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The handshake header values shared between connections, and only those. */
class HeaderValuesTest {

  private final HeaderValues values = new HeaderValues();

  /** A new instance with the same characters, as each connection's decoder makes one. */
  private static String copy(String s) {
    return new String(s.toCharArray());
  }

  @Test
  void equalValuesOfACommonHeader_areOneInstance() {
    String agent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0";
    String first = values.of("user-agent", copy(agent));
    String second = values.of("user-agent", copy(agent));
    assertThat(second).isEqualTo(agent).isSameAs(first);
    assertThat(values.path(copy("/signal"))).isSameAs(values.path(copy("/signal")));
  }

  @Test
  void uniqueOrSecretHeaders_areNeitherSharedNorRemembered() {
    for (String name : new String[] {"sec-websocket-key", "cookie", "authorization", "x-custom"}) {
      String value = "dGhlIHNhbXBsZSBub25jZQ==";
      String first = copy(value);
      assertThat(values.of(name, first)).isSameAs(first);
      String second = copy(value);
      assertThat(values.of(name, second)).as(name).isSameAs(second);
    }
    assertThat(values.size()).isZero();
  }

  @Test
  void whateverClientsSend_theSetStaysBounded() {
    String tooLong = "a".repeat(HeaderValues.MAX_VALUE_LENGTH + 1);
    String passed = copy(tooLong);
    assertThat(values.of("user-agent", passed)).isSameAs(passed);
    assertThat(values.size()).isZero();
    for (int i = 0; i < 3 * HeaderValues.MAX_VALUES; i++) {
      assertThat(values.of("user-agent", "agent " + i)).isEqualTo("agent " + i);
      assertThat(values.size()).isLessThanOrEqualTo(HeaderValues.MAX_VALUES);
    }
  }
}
