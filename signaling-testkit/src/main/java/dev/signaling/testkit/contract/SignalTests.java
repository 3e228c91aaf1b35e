package dev.signaling.testkit.contract;

import static dev.signaling.testkit.Messages.error;
import static dev.signaling.testkit.Messages.signal;
import static dev.signaling.testkit.Steps.assertNothingPending;
import static dev.signaling.testkit.Steps.joined;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code signal}: forwarded verbatim and in order to its one target, or refused with the documented error. Part of {@link SignalingContract}. */
public abstract class SignalTests extends ContractGroup {

  /** A group of the contract that {@code contract} runs. */
  protected SignalTests(SignalingContract contract) {
    super(contract);
  }

  @Test
  void isForwardedVerbatimToItsTarget() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    String odd = "{ \"payload\" : {\"sdp\":\"v=0\\r\\n\",\"n\":1.50E+3,\"z\":-0.0,\"u\":\"\\u00e9\u00e9\"} ,"
        + "\"to\":\"b\",\t\"type\":\"signal\",\n\"from\":\"a\" }";
    a.send(odd);
    assertThat(b.next()).isEqualTo(odd);
    assertNothingPending(a);
  }

  @Test
  void keepsPerPairOrder() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient b = joined(server, "b", "bob", a);
    for (int i = 0; i < 300; i++) {
      a.send(signal("a", "b", "{\"seq\":" + i + "}"));
    }
    for (int i = 0; i < 300; i++) {
      assertThat(b.next()).isEqualTo(signal("a", "b", "{\"seq\":" + i + "}"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"signal\",\"to\":\"b\",\"payload\":{}}",
      "{\"type\":\"signal\",\"from\":\"a\",\"payload\":{}}",
      "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"\"}",
      "{\"type\":\"signal\",\"from\":\"a\",\"to\":7}",
      "{\"type\":\"signal\",\"from\":null,\"to\":\"b\"}",
  })
  void withoutToOrFrom_isRefused(String message) throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send(message);
    assertThat(a.next()).isEqualTo(error("missing to or from"));
  }

  @Test
  void signalBeforeRegister_isRefused() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    TestClient anonymous = server.connect();
    anonymous.send(signal("x", "a", "1"));
    assertThat(anonymous.next()).isEqualTo(error("not registered"));
    assertNothingPending(a);
  }

  @Test
  void withSpoofedFrom_isRefused_unlessSenderBindingIsOff() throws Exception {
    TestServer strict = server();
    TestClient a = joined(strict, "a", "alice");
    TestClient b = joined(strict, "b", "bob", a);
    a.send(signal("b", "b", "1"));
    assertThat(a.next()).isEqualTo(error("from does not match registered nodeId"));
    assertNothingPending(b);

    TestServer lax = server(SignalingConfig.builder().senderBinding(false).build());
    TestClient c = joined(lax, "c", "carol");
    TestClient d = joined(lax, "d", "dave", c);
    c.send(signal("someone-else", "d", "1"));
    assertThat(d.next()).isEqualTo(signal("someone-else", "d", "1"));
  }

  @Test
  void toUnknownNode_answersPeerNotFoundWithTo() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send(signal("a", "zzz", "{}"));
    assertThat(a.next()).isEqualTo("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"zzz\"}");
  }

  @Test
  void toItsOwnNode_isDelivered() throws Exception {
    TestServer server = server();
    TestClient a = joined(server, "a", "alice");
    a.send(signal("a", "a", "\"self\""));
    assertThat(a.next()).isEqualTo(signal("a", "a", "\"self\""));
  }
}
