package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link PingCheck}: only the exact echo of a ping's payload answers it. */
class PingCheckTest {

  private static ByteBuffer pong(byte[] payload) {
    // Somewhere inside a larger buffer, as the library hands payloads over.
    ByteBuffer b = ByteBuffer.allocate(payload.length + 10);
    b.position(5);
    b.put(payload);
    return b.flip().position(5);
  }

  @Test
  void theEchoOfAPing_answersIt() {
    long token = PingCheck.token(0x1234_5678_9abc_def0L);
    byte[] ping = PingCheck.payload(token);
    assertThat(ping).hasSize(PingCheck.PAYLOAD_BYTES);
    assertThat(PingCheck.echoes(pong(ping), token)).isTrue();
  }

  @Test
  void emptyPongs_otherPayloads_olderPings_andLongerEchoes_doNotAnswerIt() {
    long older = PingCheck.token(41);
    long token = PingCheck.token(42);
    assertThat(PingCheck.echoes(pong(new byte[0]), token)).isFalse();
    assertThat(PingCheck.echoes(pong("alive".getBytes()), token)).isFalse();
    assertThat(PingCheck.echoes(pong(PingCheck.payload(older)), token)).isFalse();
    byte[] longer = new byte[PingCheck.PAYLOAD_BYTES + 1];
    System.arraycopy(PingCheck.payload(token), 0, longer, 0, PingCheck.PAYLOAD_BYTES);
    assertThat(PingCheck.echoes(pong(longer), token)).isFalse();
  }

  @Test
  void aTokenIsNeverZero_whichMeansNoPingAwaited() {
    assertThat(PingCheck.token(0)).isNotZero();
    assertThat(PingCheck.token(-7)).isEqualTo(-7);
  }
}
