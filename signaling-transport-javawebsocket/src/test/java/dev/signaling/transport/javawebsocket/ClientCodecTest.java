package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.Participant;
import dev.signaling.transport.javawebsocket.ClientCodec.Heartbeat;
import dev.signaling.transport.javawebsocket.ClientCodec.ParticipantList;
import dev.signaling.transport.javawebsocket.SignalingClient.Backoff;
import dev.signaling.transport.javawebsocket.SignalingClient.Presence;
import dev.signaling.transport.javawebsocket.SignalingClient.RoleAssignment;
import dev.signaling.transport.javawebsocket.SignalingClient.ServerError;
import dev.signaling.transport.javawebsocket.SignalingClient.Signal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's wire format and its backoff arithmetic, without a network. */
class ClientCodecTest {

  @Test
  void everyServerMessageType_isRead() {
    assertThat(ClientCodec.decode(
        "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"al\"},"
            + "{\"nodeId\":\"b\",\"username\":\"bo\",\"encryptionKey\":\"k\"}]}"))
        .isEqualTo(new ParticipantList(List.of(new Participant("a", "al", "", null), new Participant("b", "bo", "", "k"))));
    assertThat(ClientCodec.decode(
        "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"a\",\"username\":\"al\",\"publicKey\":\"pk\"}"))
        .isEqualTo(new Presence(Presence.Action.LEAVE, new Participant("a", "al", "pk", null)));
    assertThat(ClientCodec.decode("{\"type\":\"heartbeat\",\"from\":\"a\"}")).isEqualTo(new Heartbeat("a"));
    assertThat(ClientCodec.decode("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"r\"],\"from\":\"a\"}"))
        .isEqualTo(new RoleAssignment("b", List.of("r"), "a"));
    assertThat(ClientCodec.decode("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"x\"}"))
        .isEqualTo(new ServerError("peer not found", "x"));
    assertThat(ClientCodec.decode("{\"type\":\"error\",\"error\":\"invalid JSON\"}"))
        .isEqualTo(new ServerError("invalid JSON", null));
  }

  @Test
  void aSignalsPayload_isItsExactText_whereverItSits() {
    String payload = "{\"a\" : [1, \"}]\\\"{\" , {\"b\":null}], \"n\": -1.50e+3 }";
    String text = "{ \"payload\" :  " + payload + " , \"type\":\"signal\",\"to\":\"b\",\"from\":\"a\"}";

    Signal signal = (Signal) ClientCodec.decode(text);

    assertThat(signal).isEqualTo(new Signal("a", "b", payload, text));
  }

  @Test
  void scalarAndAbsentPayloads() {
    assertThat(((Signal) ClientCodec.decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":1E+2}"))
        .payloadJson()).isEqualTo("1E+2");
    assertThat(((Signal) ClientCodec.decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":\"x\\\"y\"}"))
        .payloadAsString()).contains("x\"y");
    assertThat(((Signal) ClientCodec.decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\"}")).payloadJson()).isNull();
    assertThat(((Signal) ClientCodec.decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":null}"))
        .payloadJson()).isEqualTo("null");
  }

  @Test
  void aNestedPayloadKey_isNotTakenForTheTopLevelOne() {
    String text = "{\"type\":\"signal\",\"x\":{\"payload\":1},\"from\":\"a\",\"to\":\"b\",\"pay\\u006coad\":[2]}";
    assertThat(((Signal) ClientCodec.decode(text)).payloadJson()).isEqualTo("[2]");
  }

  @Test
  void whatTheClientCannotUse_isIgnored() {
    assertThat(ClientCodec.decode("not json")).isNull();
    assertThat(ClientCodec.decode("[1]")).isNull();
    assertThat(ClientCodec.decode("{\"type\":\"future-type\"}")).isNull();
    assertThat(ClientCodec.decode("{\"type\":\"heartbeat\"}")).isNull();
    assertThat(ClientCodec.decode("{\"type\":\"presence\",\"action\":\"wave\",\"nodeId\":\"a\",\"username\":\"b\"}")).isNull();
    assertThat(ClientCodec.decode("{\"type\":\"participants\",\"participants\":[1]}")).isNull();
  }

  @Test
  void outgoingMessages_areCompactJson_withOptionalFieldsAbsent() {
    assertThat(ClientCodec.register("a", "al", null, null))
        .isEqualTo("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\"}");
    assertThat(ClientCodec.register("a", "al", "pk", "ek"))
        .isEqualTo("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\",\"publicKey\":\"pk\",\"encryptionKey\":\"ek\"}");
    assertThat(ClientCodec.roleAssign("b", List.of("x", "y")))
        .isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"x\",\"y\"]}");
    assertThat(ClientCodec.signal("a\"", "b", " [1] "))
        .isEqualTo("{\"type\":\"signal\",\"from\":\"a\\\"\",\"to\":\"b\",\"payload\": [1] }");
    assertThatThrownBy(() -> ClientCodec.signal("a", "b", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientCodec.signal("a", "b", "{} {}")).isInstanceOf(IllegalArgumentException.class);
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
