package dev.signaling.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeRequestTest {

  @Test
  void headersAreCopiedWithLowerCaseNames_sortedAndUnmodifiable() {
    Map<String, List<String>> given = new LinkedHashMap<>();
    given.put("User-Agent", List.of("browser"));
    given.put("X-Custom", List.of("a", "b"));
    given.put("Host", List.of("example"));
    HandshakeRequest request = new HandshakeRequest("/", "", given, null);
    given.clear();

    assertThat(request.headers()).isEqualTo(Map.of(
        "user-agent", List.of("browser"), "x-custom", List.of("a", "b"), "host", List.of("example")));
    assertThat(request.headers().keySet()).containsExactly("host", "user-agent", "x-custom");
    assertThat(request.header("USER-AGENT")).isEqualTo("browser");
    assertThat(request.header("x-custom")).isEqualTo("a");
    assertThat(request.header("missing")).isNull();
    assertThat(request.headers().get(42)).isNull();
    assertThatThrownBy(() -> request.headers().put("a", List.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> request.headers().entrySet().iterator().remove())
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
