package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** {@link PingCheck}: only the echo of the ping awaited answers it. */
class PingCheckTest {

  private static ByteBuffer pong(byte[] payload) {
    // Somewhere inside a larger buffer, as the library hands payloads over.
    ByteBuffer b = ByteBuffer.allocate(payload.length + 10);
    b.position(5);
    b.put(payload);
    return b.flip().position(5);
  }

  @Test
  void theEchoOfThePingAnswersIt_andTheNextPingGoesOut() {
    PingCheck check = new PingCheck();
    byte[] ping = check.nextPing(42);
    assertThat(ping).hasSize(PingCheck.PAYLOAD_BYTES);
    assertThat(check.isWaiting()).isTrue();
    check.pong(pong(ping));
    assertThat(check.isWaiting()).isFalse();
    assertThat(check.nextPing(43)).isNotNull();
  }

  @Test
  void unsolicitedPongs_stalePongs_andPongsOfAnotherLength_doNotCount() {
    PingCheck check = new PingCheck();
    check.pong(pong(new byte[0])); // before any ping
    byte[] first = check.nextPing(1);
    check.pong(pong(first));
    byte[] second = check.nextPing(2);
    check.pong(pong(first)); // the echo of an older ping
    check.pong(pong(new byte[0]));
    check.pong(pong("alive".getBytes()));
    byte[] longer = new byte[PingCheck.PAYLOAD_BYTES + 1];
    System.arraycopy(second, 0, longer, 0, second.length);
    check.pong(pong(longer));
    assertThat(check.isWaiting()).isTrue();
    assertThat(check.nextPing(3)).as("still unanswered at the next round: dead").isNull();
  }
}
