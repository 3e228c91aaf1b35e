package dev.signaling.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The encoded large messages shared between recipients, and forgotten once nobody asks for them. */
class SharedFramesTest {

  private final SharedFrames frames = new SharedFrames();
  /**
   * Without leak detection: it wraps one allocation in 128 (by default) in a tracking buffer, and
   * a duplicate's {@code unwrap()} then returns the buffer inside, not the one the test compares.
   */
  private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);

  @Test
  void aLargeMessage_isEncodedOnceForAllRecipients_andForgottenAfterAPeriodWithoutThem() {
    OutboundMessage large = OutboundMessage.ofText("x".repeat(SharedFrames.SHARE_ABOVE + 1));
    ByteBuf first = frames.shared(alloc, large);
    ByteBuf second = frames.shared(alloc, large);
    assertThat(second.unwrap()).as("one encoding, shared").isSameAs(first);
    second.release();
    first.release();
    assertThat(first.refCnt()).as("remembered").isEqualTo(1);

    frames.forgetUnused(); // asked for during this period: kept
    assertThat(first.refCnt()).isEqualTo(1);
    ByteBuf third = frames.shared(alloc, large);
    assertThat(third.unwrap()).isSameAs(first);
    third.release();

    frames.forgetUnused(); // asked for again: kept
    frames.forgetUnused(); // a whole period without a recipient: released
    assertThat(first.refCnt()).as("forgotten").isZero();
    ByteBuf again = frames.shared(alloc, large);
    assertThat(again).as("encoded anew").isNotSameAs(first);
    again.release();
    frames.close();
  }
}
