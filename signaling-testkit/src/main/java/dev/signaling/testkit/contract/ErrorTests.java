package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.UNKNOWN_TYPE;
import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.participants;
import static dev.signaling.testkit.Messages.register;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Messages that are not JSON, not a message, or of an unknown type; binary frames. Part of {@link SignalingContract}. */
public abstract class ErrorTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected ErrorTests(SignalingContract contract) {
    super(contract);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not json", "{", "{\"type\":\"signal\"", "{\"type\":'x'}", "{\"type\":\"x\"} trailing",
      "{\"type\":\"signal\",\"payload\":[1,2,}", "{type:\"x\"}", ""})
  void invalidJson(String message) throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send(message);
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
    assertNothingPending(a);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"register\"", "42", "null", "{}", "{\"type\":5}", "{\"type\":null}",
      "{\"nodeId\":\"a\"}", "{\"type\":\"signal\",\"type\":\"signal\"}",
      "{\"type\":\"signal\",\"from\":\"a\",\"from\":\"a\",\"to\":\"b\"}",
      "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"to\":\"c\"}",
      "{\"type\":\"register\",\"nodeId\":\"a\",\"nodeId\":\"b\",\"username\":\"u\"}"})
  void invalidMessage(String message) throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send(message);
    assertThat(a.next()).isEqualTo(error("invalid message"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"nope", "participants", "presence", "error", "Signal", ""})
  void unknownType(String type) throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.send("{\"type\":\"" + type + "\"}");
    assertThat(a.next()).isEqualTo(UNKNOWN_TYPE);
  }

  @Test
  void deeplyNestedJsonIsAnsweredNotFatal() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"a\",\"payload\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}");
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
    a.send("[".repeat(100_000));
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
    String nested = "[".repeat(50) + "]".repeat(50);
    a.send(signal("a", "a", nested));
    assertThat(a.next()).isEqualTo(signal("a", "a", nested));
  }

  @Test
  void binaryFramesAreTreatedAsText() throws Exception {
    TestServer server = server();
    TestClient a = server.connect();
    a.sendBinary(register("a", "alice").getBytes(StandardCharsets.UTF_8));
    assertThat(a.next()).isEqualTo(participants("a:alice"));
    a.sendBinary(signal("a", "a", "\"é\"").getBytes(StandardCharsets.UTF_8));
    assertThat(a.next()).as("forwarded as a text frame").isEqualTo(signal("a", "a", "\"é\""));
    a.sendBinary(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
    assertThat(a.next()).isEqualTo(error("invalid JSON"));
  }
}
