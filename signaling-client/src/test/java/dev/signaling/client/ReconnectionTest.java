package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The state machine and the backoff arithmetic, without threads or sockets. */
class ReconnectionTest {

  private static final Backoff FAST = new Backoff(Duration.ofMillis(10), Duration.ofMillis(80), 2, 0.5);

  private final Reconnection machine = new Reconnection(FAST, () -> 0.0);

  private void register() {
    assertThat(machine.connecting()).isTrue();
    assertThat(machine.opened()).isTrue();
    assertThat(machine.state()).isEqualTo(ClientState.REGISTERING);
    assertThat(machine.registered()).isTrue();
    assertThat(machine.state()).isEqualTo(ClientState.REGISTERED);
  }

  @Test
  void aLostRegistration_waits_withABackoffThatGrowsUntilTheNextRegistration() {
    assertThat(machine.state()).isEqualTo(ClientState.CONNECTING);
    register();

    assertThat(machine.ended(1006)).isEqualTo(Duration.ofMillis(10));
    assertThat(machine.state()).isEqualTo(ClientState.WAITING);
    machine.connecting();
    assertThat(machine.ended(Disconnect.NEVER_CONNECTED)).isEqualTo(Duration.ofMillis(20));
    machine.connecting();
    machine.opened();
    assertThat(machine.refused("nodeId already registered")).isEqualTo(Duration.ofMillis(40));
    machine.connecting();
    assertThat(machine.ended(1001)).isEqualTo(Duration.ofMillis(80));
    machine.connecting();
    assertThat(machine.ended(1001)).as("capped").isEqualTo(Duration.ofMillis(80));

    register();
    assertThat(machine.ended(1006)).as("started over").isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void replaced4001_isFinal() {
    register();

    assertThat(machine.ended(4001)).isNull();
    assertThat(machine.state()).isEqualTo(ClientState.CLOSED);
    assertThat(machine.connecting()).as("nothing moves a closed machine").isFalse();
    assertThat(machine.state()).isEqualTo(ClientState.CLOSED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"unauthorized", "field too long", "invalid key", "missing nodeId or username",
      "invalid JSON", "invalid message", "unknown type"})
  void aRefusalThatTheSameRegisterWouldGetAgain_isFinal(String error) {
    machine.connecting();
    machine.opened();

    assertThat(Reconnection.retries(error)).isFalse();
    assertThat(machine.refused(error)).isNull();
    assertThat(machine.state()).isEqualTo(ClientState.CLOSED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"nodeId already registered", "rate limit exceeded", "a text of a newer server"})
  void aRefusalThatANewAttemptCanChange_isRetried(String error) {
    machine.connecting();
    machine.opened();

    assertThat(Reconnection.retries(error)).isTrue();
    assertThat(machine.refused(error)).isEqualTo(FAST.initial());
    assertThat(machine.state()).isEqualTo(ClientState.WAITING);
  }

  @Test
  void withoutBackoff_everyEndIsFinal() {
    Reconnection once = new Reconnection(null, () -> 0.0);
    once.connecting();

    assertThat(once.ended(1006)).isNull();
    assertThat(once.state()).isEqualTo(ClientState.CLOSED);
    Reconnection refused = new Reconnection(null, () -> 0.0);
    refused.connecting();
    refused.opened();
    assertThat(refused.refused("nodeId already registered")).isNull();
  }

  @Test
  void close_isFinal_evenForAnEndThatWouldBeRetried() {
    register();
    machine.close();

    assertThat(machine.ended(1006)).isNull();
    assertThat(machine.registered()).isFalse();
    assertThat(machine.state()).isEqualTo(ClientState.CLOSED);
  }

  @Test
  void backoff_growsByItsMultiplier_andNeverExceedsItsCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 3, 0);

    assertThat(backoff.delay(0, 0.7)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(1, 0.7)).isEqualTo(Duration.ofMillis(300));
    assertThat(backoff.delay(3, 0.7)).isEqualTo(Duration.ofMillis(2700));
    for (int attempt : new int[] {4, 10, 100, 10_000, Integer.MAX_VALUE}) {
      assertThat(backoff.delay(attempt, 0.3)).as("attempt %d", attempt).isEqualTo(Duration.ofSeconds(5));
    }
  }

  @Test
  void backoff_jitterTakesOffAtMostItsFraction() {
    Backoff backoff = Backoff.exponential(Duration.ofMillis(200), Duration.ofMillis(800));

    assertThat(backoff.delay(0, 0.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delay(0, 0.5)).isEqualTo(Duration.ofMillis(150));
    assertThat(backoff.delay(5, 0.999_999_999).toMillis()).isEqualTo(400);
    assertThat(Backoff.DEFAULT.delay(1_000, 0.0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void backoff_refusesValuesThatMakeNoSense() {
    Duration second = Duration.ofSeconds(1);
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, second, 2, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(second, Duration.ofMillis(10), 2, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(second, second, 0.5, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(second, second, Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(second, second, 2, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Backoff.DEFAULT.delay(-1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
