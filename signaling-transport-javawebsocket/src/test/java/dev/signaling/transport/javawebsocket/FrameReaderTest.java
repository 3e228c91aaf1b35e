package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.core.spi.InboundBudget;
import dev.signaling.testkit.transport.attack.Frames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.java_websocket.exceptions.InvalidDataException;
import org.java_websocket.exceptions.InvalidFrameException;
import org.java_websocket.exceptions.LimitExceededException;
import org.java_websocket.framing.Framedata;
import org.junit.jupiter.api.Test;

/**
 * {@link FrameReader} through {@link SignalingDraft#translateFrame}: the library gets whole frames
 * however the stream is split into reads, a partial frame holds (and reserves) about what arrived
 * of it, and headers are judged before their payload is kept.
 */
class FrameReaderTest {

  private static final int MAX = 1 << 20;

  private final InboundBudget budget = new InboundBudget(64L << 20);
  private final AtomicInteger shed = new AtomicInteger();
  private final InboundBudget.Account account = budget.open(shed::incrementAndGet);

  private SignalingDraft draft(int maxMessageBytes) {
    SignalingDraft[] bound = new SignalingDraft[1];
    SignalingDraft.bindingUpgrades(new SignalingDraft.Binding(new AtomicLong(), FragmentedMessageTest.accountOf(account)),
        () -> bound[0] = (SignalingDraft) SignalingDraft.template(maxMessageBytes).copyInstance());
    return bound[0];
  }

  /** Frames of every length encoding (7-bit, 16-bit, 64-bit), then {@code last}. */
  private static byte[] stream(byte[] last) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int size : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 70_000}) {
      byte[] payload = new byte[size];
      new Random(size).nextBytes(payload);
      all.writeBytes(Frames.frame(0x82, payload));
    }
    all.writeBytes(last);
    return all.toByteArray();
  }

  /**
   * Feeds {@code bytes} in reads of random sizes (1 byte to 3 KiB), each somewhere inside a larger
   * pooled buffer as the selector's would be; returns the payloads of the frames that came out.
   */
  private List<byte[]> feed(SignalingDraft draft, byte[] bytes, long seed) throws InvalidDataException {
    Random random = new Random(seed);
    List<byte[]> payloads = new ArrayList<>();
    for (int i = 0; i < bytes.length; ) {
      int n = Math.min(bytes.length - i, 1 + random.nextInt(random.nextBoolean() ? 4 : 3072));
      ByteBuffer read = ByteBuffer.allocate(n + 20);
      read.position(7);
      read.put(bytes, i, n);
      read.flip().position(7);
      for (Framedata frame : draft.translateFrame(read)) {
        ByteBuffer p = frame.getPayloadData();
        byte[] payload = new byte[p.remaining()];
        p.get(payload);
        payloads.add(payload);
      }
      assertThat(read.hasRemaining()).as("every byte read is consumed").isFalse();
      assertThat(account.held()).as("reserved: at most twice what arrived, plus a header")
          .isLessThanOrEqualTo(2L * (i + n) + 256);
      i += n;
    }
    return payloads;
  }

  @Test
  void wholeFramesComeOut_howeverTheStreamIsSplit_andNothingStaysReserved() throws Exception {
    byte[] bytes = stream(Frames.text("{}"));
    for (long seed = 0; seed < 50; seed++) {
      List<byte[]> payloads = feed(draft(MAX), bytes, seed);
      assertThat(payloads).as("seed %d", seed).hasSize(9);
      assertThat(payloads.get(7)).hasSize(70_000);
      byte[] expected = new byte[70_000];
      new Random(70_000).nextBytes(expected);
      assertThat(payloads.get(7)).isEqualTo(expected);
      assertThat(new String(payloads.get(8))).isEqualTo("{}");
      assertThat(account.held()).as("after the last frame").isZero();
    }
  }

  @Test
  void anUnmaskedFrameIsRefused_howeverTheStreamIsSplit() {
    byte[] unmasked = {(byte) 0x81, 2, '{', '}'};
    byte[] bytes = stream(unmasked);
    for (long seed = 0; seed < 50; seed++) {
      long s = seed;
      assertThatThrownBy(() -> feed(draft(MAX), bytes, s)).as("seed %d", seed)
          .isInstanceOf(InvalidFrameException.class);
      assertThat(account.held()).as("given back when refused").isZero();
    }
  }

  @Test
  void theHeaderOfA1MiBFrame_holdsAFewHundredBytes_andTheFrameGrowsWithWhatArrives() throws Exception {
    SignalingDraft draft = draft(MAX);
    assertThat(draft.translateFrame(ByteBuffer.wrap(Frames.header(Frames.TEXT, MAX)))).isEmpty();
    assertThat(account.held()).as("bytes reserved for a 14-byte header").isLessThanOrEqualTo(256);
    draft.translateFrame(ByteBuffer.wrap(new byte[100_000]));
    assertThat(account.held()).isBetween(100_000L, 2L * 100_014);
  }

  @Test
  void aFrameOverTheLimit_isRefusedAtItsHeader() {
    assertThatThrownBy(() -> draft(1000).translateFrame(ByteBuffer.wrap(Frames.header(Frames.TEXT, 1001))))
        .isInstanceOf(LimitExceededException.class);
    assertThatThrownBy(() -> draft(MAX).translateFrame(ByteBuffer.wrap(Frames.header(0x89, 126))))
        .as("a ping over 125 bytes").isInstanceOf(InvalidFrameException.class);
    assertThatThrownBy(() -> draft(MAX).translateFrame(ByteBuffer.wrap(Frames.header(0x83, 1))))
        .as("an unknown opcode").isInstanceOf(InvalidFrameException.class);
    assertThat(account.held()).isZero();
  }

  @Test
  void emptyFragmentsCountTheirOverhead_andTrip1009AfterLimitOver128OfThem() throws Exception {
    int max = 64 * 1024;
    SignalingDraft draft = draft(max);
    int allowed = max / InboundBudget.FRAGMENT_OVERHEAD_BYTES;
    ByteArrayOutputStream fragments = new ByteArrayOutputStream();
    fragments.writeBytes(Frames.frame(Frames.TEXT_NOT_FIN, new byte[0]));
    for (int i = 1; i < allowed; i++) {
      fragments.writeBytes(Frames.frame(Frames.CONTINUATION, new byte[0]));
    }
    assertThat(draft.translateFrame(ByteBuffer.wrap(fragments.toByteArray()))).hasSize(allowed);
    assertThatThrownBy(() -> draft.translateFrame(ByteBuffer.wrap(Frames.frame(Frames.CONTINUATION, new byte[0]))))
        .isInstanceOf(LimitExceededException.class).hasMessage(FrameReader.TOO_BIG);
  }

  @Test
  void aShedConnection_stopsBuffering_with1009() throws Exception {
    InboundBudget small = new InboundBudget(1000);
    InboundBudget.Account other = small.open(() -> { });
    assertThat(other.reserve(300)).isTrue();
    SignalingDraft[] bound = new SignalingDraft[1];
    InboundBudget.Account mine = small.open(shed::incrementAndGet);
    SignalingDraft.bindingUpgrades(new SignalingDraft.Binding(new AtomicLong(), FragmentedMessageTest.accountOf(mine)),
        () -> bound[0] = (SignalingDraft) SignalingDraft.template(MAX).copyInstance());
    bound[0].translateFrame(ByteBuffer.wrap(Frames.header(Frames.TEXT, 5000)));
    assertThatThrownBy(() -> bound[0].translateFrame(ByteBuffer.wrap(new byte[3000])))
        .as("this one holds the most once it grows: it is shed, not the other")
        .isInstanceOf(LimitExceededException.class).hasMessage(HeldBytes.OVER_BUDGET);
    assertThat(shed).hasValue(1);
    assertThat(small.held()).isEqualTo(300);
    assertThat(other.isShed()).isFalse();
  }
}
