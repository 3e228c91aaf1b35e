package dev.signaling.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The client's wire format, without a network. */
class ClientCodecTest {

  private static ServerMessage decode(String text) {
    return ClientCodec.decode(text).orElseThrow(() -> new AssertionError("not read: " + text));
  }

  @Test
  void everyServerMessageKind_isRead() {
    assertThat(decode("{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"al\"},"
        + "{\"nodeId\":\"b\",\"username\":\"bo\",\"encryptionKey\":\"k\"}]}"))
        .isEqualTo(new ParticipantList(List.of(new Participant("a", "al", null), new Participant("b", "bo", "k"))));
    assertThat(decode("{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"a\",\"username\":\"al\",\"publicKey\":\"pk\"}"))
        .isEqualTo(new Presence(Presence.Action.LEAVE, new Participant("a", "al", null), "pk"));
    assertThat(decode("{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"a\",\"username\":\"al\",\"encryptionKey\":\"e\"}"))
        .isEqualTo(new Presence(Presence.Action.JOIN, new Participant("a", "al", "e"), ""));
    assertThat(decode("{\"type\":\"heartbeat\",\"from\":\"a\"}")).isEqualTo(new Heartbeat("a"));
    assertThat(decode("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"r\"],\"from\":\"a\"}"))
        .isEqualTo(new RoleAssignment("b", List.of("r"), "a"));
    assertThat(decode("{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"x\"}"))
        .isEqualTo(new ServerError("peer not found", "x"));
    assertThat(decode("{\"type\":\"error\",\"error\":\"invalid JSON\"}")).isEqualTo(new ServerError("invalid JSON", null));
  }

  @Test
  void theVisitor_reachesTheMethodOfEachKind() {
    ServerMessage.Visitor<String> names = new ServerMessage.Visitor<>() {
      @Override public String participants(ParticipantList m) { return "participants"; }
      @Override public String presence(Presence m) { return "presence"; }
      @Override public String heartbeat(Heartbeat m) { return "heartbeat"; }
      @Override public String roleAssign(RoleAssignment m) { return "role-assign"; }
      @Override public String signal(Signal m) { return "signal"; }
      @Override public String error(ServerError m) { return "error"; }
    };
    for (String type : List.of("participants", "presence", "heartbeat", "role-assign", "signal", "error")) {
      String text = "{\"type\":\"" + type + "\",\"participants\":[],\"action\":\"join\",\"nodeId\":\"a\","
          + "\"username\":\"u\",\"from\":\"a\",\"to\":\"b\",\"roles\":[],\"error\":\"e\"}";
      assertThat(decode(text).accept(names)).isEqualTo(type);
    }
  }

  @Test
  void aSignalsPayload_isItsExactText_whereverItSits() {
    String payload = "{\"a\" : [1, \"}]\\\"{\" , {\"b\":null}], \"n\": -1.50e+3 }";
    String text = "{ \"payload\" :  " + payload + " , \"type\":\"signal\",\"to\":\"b\",\"from\":\"a\"}";

    assertThat(decode(text)).isEqualTo(new Signal("a", "b", payload, text));
  }

  @Test
  void scalarAbsentAndNestedPayloads() {
    assertThat(((Signal) decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":1E+2}")).payloadJson())
        .isEqualTo("1E+2");
    assertThat(((Signal) decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":\"x\\\"y\"}"))
        .payloadAsString()).contains("x\"y");
    assertThat(((Signal) decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\"}")).payloadJson()).isNull();
    assertThat(((Signal) decode("{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":null}")).payloadJson())
        .isEqualTo("null");
    String nested = "{\"type\":\"signal\",\"x\":{\"payload\":1},\"from\":\"a\",\"to\":\"b\",\"pay\\u006coad\":[2]}";
    assertThat(((Signal) decode(nested)).payloadJson()).as("the top-level member, even escaped").isEqualTo("[2]");
  }

  @Test
  void whatTheClientCannotUse_isIgnored() {
    assertThat(ClientCodec.decode("not json")).isEmpty();
    assertThat(ClientCodec.decode("[1]")).isEmpty();
    assertThat(ClientCodec.decode("{\"type\":\"future-type\"}")).isEmpty();
    assertThat(ClientCodec.decode("{\"type\":\"heartbeat\"}")).isEmpty();
    assertThat(ClientCodec.decode("{\"type\":\"presence\",\"action\":\"wave\",\"nodeId\":\"a\",\"username\":\"b\"}")).isEmpty();
    assertThat(ClientCodec.decode("{\"type\":\"participants\",\"participants\":[1]}")).isEmpty();
    assertThat(ClientCodec.decode("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[1],\"from\":\"a\"}")).isEmpty();
  }

  @Test
  void outgoingMessages_areCompactJson_withOptionalFieldsAbsent() {
    assertThat(ClientCodec.register("a", "al", null, null, null))
        .isEqualTo("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\"}");
    assertThat(ClientCodec.register("a", "al", "pk", "ek", null))
        .isEqualTo("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\",\"publicKey\":\"pk\",\"encryptionKey\":\"ek\"}");
    assertThat(ClientCodec.roleAssign("b", List.of("x", "y")))
        .isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"b\",\"roles\":[\"x\",\"y\"]}");
    assertThat(ClientCodec.signal("a\"", "b", " [1] "))
        .isEqualTo("{\"type\":\"signal\",\"from\":\"a\\\"\",\"to\":\"b\",\"payload\": [1] }");
    assertThatThrownBy(() -> ClientCodec.signal("a", "b", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ClientCodec.signal("a", "b", "{} {}")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theAuthObject_goesIntoTheRegister_andMustBeOneObject() {
    assertThat(ClientCodec.register("a", "al", null, null, " {\"token\":\"t\",\"n\":12.50} "))
        .isEqualTo("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"al\",\"auth\":{\"token\":\"t\",\"n\":12.50}}");
    for (String notAnObject : List.of("[1]", "\"t\"", "{", "{} {}", "")) {
      assertThatThrownBy(() -> ClientCodec.register("a", "al", null, null, notAnObject))
          .as(notAnObject).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
