package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.PROBE;
import static dev.signaling.testkit.Messages.UNKNOWN_TYPE;
import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.FakeTicker;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.Waits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-connection limits: the message rate, and the length of every field. Part of {@link SignalingContract}. */
public abstract class LimitTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected LimitTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void rateLimit_dropsExcessWithOneErrorPerSecond() throws Exception {
    FakeTicker ticker = new FakeTicker();
    TestServer server = server(SignalingConfig.builder().rateLimit(3, 3).ticker(ticker).build());
    TestClient a = server.connect();
    TestClient b = server.connect();
    for (int i = 0; i < 3; i++) {
      a.send(PROBE);
      assertThat(a.next()).isEqualTo(UNKNOWN_TYPE);
    }
    a.send(PROBE);
    assertThat(a.next()).isEqualTo(error("rate limit exceeded"));
    a.send(register("a", "alice")); // dropped, and no second error within the second
    assertNothingPending(b); // another client is unaffected
    Waits.until("the register is dropped", () -> server.hub().metrics().messagesIn().get("dropped") == 2);
    ticker.advance(Duration.ofSeconds(1));
    assertNothingPending(a);
    assertThat(server.hub().participants()).as("the dropped register").isEmpty();
    a.send(PROBE);
    a.send(PROBE);
    a.send(PROBE);
    assertThat(List.of(a.next(), a.next(), a.next()))
        .containsExactly(UNKNOWN_TYPE, UNKNOWN_TYPE, error("rate limit exceeded"));
  }

  @Test
  void withFieldOverItsLimit_isRefused() throws Exception {
    TestServer server = server(SignalingConfig.builder().maxIdLength(4).maxKeyLength(8).build());
    TestClient a = server.connect();
    a.send(register("abcde", "al"));
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send(register("ab", "alice"));
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\",\"publicKey\":\"123456789\"}");
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\",\"encryptionKey\":\"123456789\"}");
    assertThat(a.next()).isEqualTo(error("field too long"));
    a.send("{\"type\":\"register\",\"nodeId\":\"abcd\",\"username\":\"al\",\"publicKey\":\"12345678\"}");
    assertThat(a.next()).isEqualTo(participants("abcd:al"));
  }
}
