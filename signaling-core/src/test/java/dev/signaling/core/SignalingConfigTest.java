package dev.signaling.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SignalingConfigTest {

  @Test
  void defaultsAreThoseOfTheProtocol() {
    SignalingConfig c = SignalingConfig.defaults();
    assertThat(c.duplicatePolicy()).isEqualTo(DuplicatePolicy.REPLACE);
    assertThat(c.senderBinding()).isTrue();
    assertThat(c.maxMessageBytes()).isEqualTo(1 << 20);
    assertThat(c.maxConnections()).isEqualTo(10_000);
    assertThat(c.maxIdLength()).isEqualTo(256);
    assertThat(c.maxKeyLength()).isEqualTo(4096);
    assertThat(c.maxRoles()).isEqualTo(64);
    assertThat(c.maxRoleLength()).isEqualTo(256);
    assertThat(c.rateLimitPerSecond()).isEqualTo(1000);
    assertThat(c.rateLimitBurst()).isEqualTo(2000);
    assertThat(c.maxQueuedBytes()).isEqualTo(8L << 20);
    assertThat(c.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.pingInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.membershipInterval()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void badValuesAreRejectedWithTheirName() {
    assertThatThrownBy(() -> SignalingConfig.builder().maxMessageBytes(0).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageBytes");
    assertThatThrownBy(() -> SignalingConfig.builder().rateLimit(10, 5).build())
        .hasMessageContaining("rateLimitBurst");
    assertThatThrownBy(() -> SignalingConfig.builder().pingInterval(Duration.ZERO).build())
        .hasMessageContaining("pingInterval");
    assertThatThrownBy(() -> SignalingConfig.builder().membershipInterval(Duration.ofMillis(-1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("membershipInterval");
    assertThatThrownBy(() -> SignalingConfig.builder().membershipInterval(Duration.ofDays(200_000)).build())
        .as("beyond what nanoTime arithmetic can hold")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("membershipInterval");
    assertThat(SignalingConfig.builder().membershipInterval(Duration.ZERO).build().membershipInterval())
        .as("zero switches pacing off").isZero();
  }

  @Test
  void toBuilderKeepsEveryValue() {
    SignalingConfig c = SignalingConfig.builder().duplicatePolicy(DuplicatePolicy.REJECT).noRateLimit()
        .maxQueuedBytes(5).membershipInterval(Duration.ofMillis(7)).build();
    SignalingConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.rateLimited()).isFalse();
  }
}
