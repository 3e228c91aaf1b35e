package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The builder's null checks: the transport kit reaches the builder through a spec, which cannot
 * pass a null host, config or TLS context, so these stay with the builder's own API.
 */
class BuilderTest {

  @Test
  void builder_refusesNulls() {
    assertThatThrownBy(() -> SignalingServer.builder().host(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SignalingServer.builder().config(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SignalingServer.builder().tls(null)).isInstanceOf(NullPointerException.class);
  }
}
