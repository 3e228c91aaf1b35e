package dev.signaling.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.testkit.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThrottledWarningTest {

  @Test
  void warnsFirst_thenAtMostOncePerMinute_countingWhatItHeldBack() {
    FakeTicker ticker = new FakeTicker();
    ThrottledWarning warning = new ThrottledWarning(LoggerFactory.getLogger(ThrottledWarningTest.class), ticker);
    assertThat(warning.claim()).as("the first occurrence").isZero();
    assertThat(warning.claim()).isEqualTo(-1);
    assertThat(warning.claim()).isEqualTo(-1);
    ticker.advance(Duration.ofSeconds(59));
    assertThat(warning.claim()).isEqualTo(-1);
    ticker.advance(Duration.ofSeconds(1));
    assertThat(warning.claim()).as("a minute later: three held back").isEqualTo(3);
    assertThat(warning.claim()).isEqualTo(-1);
    ticker.advance(Duration.ofMinutes(5));
    assertThat(warning.claim()).isEqualTo(1);
    ticker.advance(Duration.ofMinutes(1));
    assertThat(warning.claim()).as("nothing held back").isZero();
  }
}
