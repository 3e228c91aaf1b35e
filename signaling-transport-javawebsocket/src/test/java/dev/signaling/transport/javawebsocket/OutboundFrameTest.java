package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.spi.OutboundMessage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.java_websocket.framing.Framedata;
import org.junit.jupiter.api.Test;

class OutboundFrameTest {

  @Test
  void aBatch_isTheFramesOfItsMessagesInOrder_smallOnesSharingABuffer() {
    List<OutboundMessage> messages = List.of(
        OutboundMessage.ofText("{\"a\":1}"),
        OutboundMessage.ofText("{\"b\":\"" + "x".repeat(300) + "\"}"),
        OutboundMessage.ofText("{\"big\":\"" + "y".repeat(70_000) + "\"}"),
        OutboundMessage.ofText("{\"c\":3}"),
        OutboundMessage.ofText("{\"mid\":\"" + "z".repeat(5_000) + "\"}"));
    List<Framedata> frames = OutboundFrame.of(messages);

    assertThat(frames).as("two small + header | big payload | small + header | mid payload").hasSize(4);
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    for (Framedata frame : frames) {
      ByteBuffer bytes = ((OutboundFrame) frame).bytes().duplicate();
      byte[] chunk = new byte[bytes.remaining()];
      bytes.get(chunk);
      wire.writeBytes(chunk);
    }
    assertThat(parse(wire.toByteArray())).containsExactlyElementsOf(messages.stream().map(OutboundMessage::text).toList());
  }

  /** Reads unmasked, unfragmented text frames as a client would. */
  private static List<String> parse(byte[] wire) {
    List<String> texts = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(wire);
    while (in.hasRemaining()) {
      assertThat(in.get() & 0xFF).as("FIN + text").isEqualTo(0x81);
      int len7 = in.get() & 0x7F;
      long length = len7 == 126 ? in.getShort() & 0xFFFF : len7 == 127 ? in.getLong() : len7;
      byte[] payload = new byte[(int) length];
      in.get(payload);
      texts.add(new String(payload, StandardCharsets.UTF_8));
    }
    return texts;
  }
}
