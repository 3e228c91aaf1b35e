package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.spi.InboundBudget;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.java_websocket.enums.Opcode;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.framing.Framedata;
import org.java_websocket.framing.FramedataImpl1;
import org.junit.jupiter.api.Test;

/** {@link FragmentedMessage}: fragments reserved while they wait, one whole message out. */
class FragmentedMessageTest {

  private final InboundBudget budget = new InboundBudget(1 << 20);
  private final InboundBudget.Account account = budget.open(() -> { });
  private final FragmentedMessage message = new FragmentedMessage(accountOf(account), 1 << 20);

  /** The socket's side of an account, for tests: reserve and release straight through. */
  static InboundAccount accountOf(InboundBudget.Account account) {
    return new InboundAccount() {
      @Override
      public boolean reserve(long bytes) {
        return account.reserve(bytes);
      }

      @Override
      public void release(long bytes) {
        account.release(bytes);
      }
    };
  }

  private static Framedata frame(Opcode opcode, boolean fin, String text) {
    FramedataImpl1 frame = FramedataImpl1.get(opcode);
    frame.setFin(fin);
    frame.setPayload(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    return frame;
  }

  @Test
  void fragmentsAreReservedWithTheirOverhead_andTheWholeMessageComesOutWithTheFinalOne() throws Exception {
    // A character split between fragments: whole, the message is valid UTF-8.
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    Framedata first = frame(Opcode.TEXT, false, "{\"a\":\"");
    assertThat(FragmentedMessage.takes(first, null)).isTrue();
    assertThat(message.add(first)).isNull();
    FramedataImpl1 half = FramedataImpl1.get(Opcode.CONTINUOUS);
    half.setFin(false);
    half.setPayload(ByteBuffer.wrap(euro, 0, 1));
    assertThat(message.add(half)).isNull();
    assertThat(account.held()).isEqualTo(6 + 1 + 2L * InboundBudget.FRAGMENT_OVERHEAD_BYTES);
    FramedataImpl1 rest = FramedataImpl1.get(Opcode.CONTINUOUS);
    rest.setFin(true);
    rest.setPayload(ByteBuffer.wrap(new byte[] {euro[1], euro[2], '"', '}'}));
    Framedata whole = message.add(rest);
    assertThat(whole.getOpcode()).isEqualTo(Opcode.TEXT);
    assertThat(whole.isFin()).isTrue();
    assertThat(StandardCharsets.UTF_8.decode(whole.getPayloadData()).toString()).isEqualTo("{\"a\":\"€\"}");
    assertThat(account.held()).as("given back once delivered").isZero();
  }

  @Test
  void aWholeMessage_isNotTaken() {
    assertThat(FragmentedMessage.takes(frame(Opcode.TEXT, true, "{}"), message)).isFalse();
    assertThat(FragmentedMessage.takes(frame(Opcode.PING, true, ""), message)).isFalse();
  }

  @Test
  void aContinuationWithoutAFirstFragment_andANewMessageInsideOne_areProtocolErrors() throws Exception {
    assertThatThrownBy(() -> message.add(frame(Opcode.CONTINUOUS, true, "x")))
        .isInstanceOfSatisfying(InvalidDataException.class,
            e -> assertThat(e.getCloseCode()).isEqualTo(CloseFrame.PROTOCOL_ERROR));
    message.add(frame(Opcode.TEXT, false, "{"));
    Framedata another = frame(Opcode.TEXT, true, "{}");
    assertThat(FragmentedMessage.takes(another, message)).as("a message breaking into one under way").isTrue();
    assertThatThrownBy(() -> message.add(another))
        .isInstanceOfSatisfying(InvalidDataException.class,
            e -> assertThat(e.getCloseCode()).isEqualTo(CloseFrame.PROTOCOL_ERROR));
  }

  @Test
  void aShedConnection_getsLimitExceeded() {
    InboundBudget tiny = new InboundBudget(100);
    FragmentedMessage shedding = new FragmentedMessage(accountOf(tiny.open(() -> { })), 1 << 20);
    assertThatThrownBy(() -> shedding.add(frame(Opcode.TEXT, false, "x".repeat(200))))
        .isInstanceOf(LimitExceededException.class).hasMessage(HeldBytes.OVER_BUDGET);
    assertThat(tiny.held()).isZero();
  }
}
