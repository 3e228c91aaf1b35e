package dev.signaling.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ThrottledWarningTest {

  @Test
  void warnsFirst_thenAtMostOncePerMinute_countingWhatItHeldBack() {
    AtomicLong now = new AtomicLong();
    ThrottledWarning warning = new ThrottledWarning(LoggerFactory.getLogger(ThrottledWarningTest.class), now::get);
    assertThat(warning.claim()).as("the first occurrence").isZero();
    assertThat(warning.claim()).isEqualTo(-1);
    assertThat(warning.claim()).isEqualTo(-1);
    now.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(warning.claim()).isEqualTo(-1);
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(warning.claim()).as("a minute later: three held back").isEqualTo(3);
    assertThat(warning.claim()).isEqualTo(-1);
    now.addAndGet(Duration.ofMinutes(5).toNanos());
    assertThat(warning.claim()).isEqualTo(1);
    now.addAndGet(Duration.ofMinutes(1).toNanos());
    assertThat(warning.claim()).as("nothing held back").isZero();
  }
}
