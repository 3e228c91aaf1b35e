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
    assertThat(c.maxConnectionsPerAddress()).isEqualTo(256);
    assertThat(c.registerTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.fanoutLimit()).isEqualTo(new RateLimit(1L << 20, 4L << 20));
    assertThat(c.registerLimit()).isEqualTo(new RateLimit(1, 5));
    assertThat(c.registerLimitPerAddress()).isEqualTo(new RateLimit(50, 500));
  }

  @Test
  void serverWideBudgetsAreSharesOfTheHeapUnlessSet() {
    long heap = Runtime.getRuntime().maxMemory();
    SignalingConfig c = SignalingConfig.defaults();
    assertThat(c.maxTotalPartialBytes()).isEqualTo(heap / 8);
    assertThat(c.maxTotalQueuedBytes()).isEqualTo(heap / 4);
    SignalingConfig set = SignalingConfig.builder().maxTotalPartialBytes(123).maxTotalQueuedBytes(456).build();
    assertThat(set.maxTotalPartialBytes()).isEqualTo(123);
    assertThat(set.maxTotalQueuedBytes()).isEqualTo(456);
  }

  @Test
  void newLimitsRefuseNonsense_zeroSwitchesOffWhereDocumented() {
    assertThatThrownBy(() -> SignalingConfig.builder().maxConnectionsPerAddress(-1).build())
        .hasMessageContaining("maxConnectionsPerAddress");
    assertThatThrownBy(() -> SignalingConfig.builder().registerTimeout(Duration.ofSeconds(-1)).build())
        .hasMessageContaining("registerTimeout");
    assertThatThrownBy(() -> SignalingConfig.builder().maxTotalQueuedBytes(0))
        .hasMessageContaining("maxTotalQueuedBytes");
    assertThatThrownBy(() -> SignalingConfig.builder().maxTotalPartialBytes(-5))
        .hasMessageContaining("maxTotalPartialBytes");
    assertThatThrownBy(() -> SignalingConfig.builder().fanoutLimit(10, 5))
        .hasMessageContaining("burst");
    assertThatThrownBy(() -> new RateLimit(0, 5)).hasMessageContaining("perSecond");
    SignalingConfig off = SignalingConfig.builder().maxConnectionsPerAddress(0).registerTimeout(Duration.ZERO)
        .noFanoutLimit().registerLimit(RateLimit.OFF).registerLimitPerAddress(RateLimit.OFF).build();
    assertThat(off.maxConnectionsPerAddress()).isZero();
    assertThat(off.registerTimeout()).isZero();
    assertThat(off.fanoutLimit().isOn()).isFalse();
    assertThat(off.registerLimit().isOn()).isFalse();
    assertThat(off.registerLimitPerAddress()).hasToString("off");
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
        .maxQueuedBytes(5).membershipInterval(Duration.ofMillis(7)).maxConnectionsPerAddress(3)
        .registerTimeout(Duration.ofSeconds(2)).maxTotalPartialBytes(11).maxTotalQueuedBytes(13)
        .fanoutLimit(100, 200).registerLimit(new RateLimit(2, 3)).registerLimitPerAddress(RateLimit.OFF).build();
    SignalingConfig copy = c.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(c.toString());
    assertThat(copy.rateLimited()).isFalse();
  }
}
