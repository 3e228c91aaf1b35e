package dev.signaling.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.Participant;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CodecTest {

  @Test
  void readsOnlyTopLevelFields_aNestedTypeIsPartOfThePayload() throws Exception {
    Inbound in = Codec.decode("{\"payload\":{\"type\":\"register\",\"to\":\"x\"},\"type\":\"signal\",\"to\":\"b\",\"from\":\"a\"}");
    assertThat(in.type).isEqualTo("signal");
    assertThat(in.to).isEqualTo("b");
    assertThat(in.from).isEqualTo("a");
  }

  @Test
  void escapedKeysAreMatchedLikeJsonParseDoes() throws Exception {
    assertThat(Codec.decode("{\"t\\u0079pe\":\"heartbeat\"}").type).isEqualTo("heartbeat");
  }

  @Test
  void classifiesFieldValues() throws Exception {
    Inbound in = Codec.decode("{\"type\":\"register\",\"nodeId\":1,\"username\":null,\"publicKey\":\"k\",\"roles\":[\"a\",2]}");
    assertThat(in.nodeId).isSameAs(Inbound.NOT_A_STRING);
    assertThat(in.username).isSameAs(Inbound.JSON_NULL);
    assertThat(in.publicKey).isEqualTo("k");
    assertThat(in.encryptionKey).isNull();
    assertThat(in.roles).as("not all strings").isNull();
  }

  @Test
  void nestingBeyondTheCapIsInvalidJson_withinItIsFine() throws Exception {
    String ok = "[".repeat(Codec.MAX_NESTING - 1) + "]".repeat(Codec.MAX_NESTING - 1);
    assertThat(Codec.decode("{\"type\":\"x\",\"p\":" + ok + "}").type).isEqualTo("x");
    String deep = "[".repeat(Codec.MAX_NESTING + 1) + "]".repeat(Codec.MAX_NESTING + 1);
    assertThatThrownBy(() -> Codec.decode("{\"type\":\"x\",\"p\":" + deep + "}"))
        .isInstanceOfSatisfying(Codec.InvalidMessage.class, e -> assertThat(e.error).isEqualTo("invalid JSON"));
  }

  @Test
  void unpairedSurrogateEscapesAreJson_inReadFieldsAndInSkippedValuesAlike() throws Exception {
    assertThat(Codec.decode("{\"type\":\"register\",\"username\":\"a\\ud800\"}").username).isEqualTo("a\ud800");
    assertThat(Codec.decode("{\"type\":\"signal\",\"payload\":\"\\udc00\",\"\\ud800\":1}").type).isEqualTo("signal");
  }

  @Test
  void whatRfc8259Forbids_isInvalidJson_evenInSkippedValues() {
    for (String bad : new String[] {
        "{\"type\":\"x\",\"payload\":\"raw\u0001control\"}",
        "{\"type\":\"x\",\"payload\":{\"sdp\":\"v=0\r\n\"}}", // raw CR LF inside a string
        "{\"type\":\"x\",\"payload\":\"\\'\"}",
        "{\"type\":\"x\",\"payload\":TRUE}",
        "{\"type\":\"x\",\"payload\":[Null]}",
        "{\"type\":\"x\",\"payload\":falsE}"}) {
      assertThatThrownBy(() -> Codec.decode(bad)).as(bad)
          .isInstanceOfSatisfying(Codec.InvalidMessage.class, e -> assertThat(e.error).isEqualTo("invalid JSON"));
    }
  }

  @Test
  void exponentsAndEscapesThatJsonAllows_stayValid() throws Exception {
    assertThat(Codec.decode("{\"type\":\"x\",\"p\":[1E5,2e-3,\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"],\n\t\"q\":true}").type)
        .isEqualTo("x");
  }

  @Test
  void writesCompactJsonWithoutNulls_andEscapesWhatJsonRequires() {
    Participant p = new Participant("a\"b", "line\nbreak\u0001", "", null);
    assertThat(Codec.presence("join", p).text()).isEqualTo(
        "{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"a\\\"b\",\"username\":\"line\\nbreak\\u0001\",\"publicKey\":\"\"}");
  }

  @Test
  void loneSurrogatesAreEscapedSoUtf8StaysLossless() {
    String lone = "x\ud800y";
    String pair = "\ud83d\ude00";
    String text = Codec.heartbeat(lone + pair).text();
    assertThat(text).isEqualTo("{\"type\":\"heartbeat\",\"from\":\"x\\ud800y" + pair + "\"}");
    assertThat(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(text);
  }

  @Test
  void roleAssignAndParticipants() {
    assertThat(Codec.roleAssign("n", List.of("a", "b"), "f").text())
        .isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"n\",\"roles\":[\"a\",\"b\"],\"from\":\"f\"}");
    assertThat(Codec.roleAssign("n", List.of(), "f").text())
        .isEqualTo("{\"type\":\"role-assign\",\"nodeId\":\"n\",\"roles\":[],\"from\":\"f\"}");
    String[] entries = {Codec.participantEntry(new Participant("a", "u", "pk", "ek"))};
    assertThat(Codec.participants(entries).text()).isEqualTo(
        "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"a\",\"username\":\"u\",\"encryptionKey\":\"ek\"}]}");
  }
}
