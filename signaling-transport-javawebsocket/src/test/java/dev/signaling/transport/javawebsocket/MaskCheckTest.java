package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signaling.testkit.RawSocket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import org.java_websocket.exceptions.InvalidFrameException;
import org.junit.jupiter.api.Test;

/** {@link SignalingDraft.MaskCheck}: frame headers found however the stream is split into reads. */
class MaskCheckTest {

  /** Masked frames of every length encoding (7-bit, 16-bit, 64-bit), then the given last frame. */
  private static byte[] stream(byte[] last) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (int size : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 70_000}) {
      all.writeBytes(RawSocket.frame(0x82, true, new byte[size]));
    }
    all.writeBytes(last);
    return all.toByteArray();
  }

  /** Feeds the stream in reads of random sizes (1 byte to 3 KiB), as the selector would. */
  private static void feed(SignalingDraft.MaskCheck check, byte[] bytes, long seed) throws InvalidFrameException {
    Random random = new Random(seed);
    for (int i = 0; i < bytes.length; ) {
      int n = Math.min(bytes.length - i, 1 + random.nextInt(random.nextBoolean() ? 4 : 3072));
      // A read sits somewhere inside a larger pooled buffer: position and limit are not 0 and capacity.
      ByteBuffer read = ByteBuffer.allocate(n + 20);
      read.position(7);
      read.put(bytes, i, n);
      read.flip().position(7);
      check.scan(read);
      i += n;
    }
  }

  @Test
  void maskedFramesPass_howeverTheyAreSplit() {
    byte[] bytes = stream(RawSocket.frame(0x81, true, "{}".getBytes()));
    for (long seed = 0; seed < 50; seed++) {
      long s = seed;
      assertThatCode(() -> feed(new SignalingDraft.MaskCheck(), bytes, s)).as("seed %d", seed).doesNotThrowAnyException();
    }
  }

  @Test
  void anUnmaskedFrameIsRefused_howeverTheStreamIsSplit() {
    byte[] bytes = stream(RawSocket.frame(0x81, false, "{}".getBytes()));
    for (long seed = 0; seed < 50; seed++) {
      long s = seed;
      assertThatThrownBy(() -> feed(new SignalingDraft.MaskCheck(), bytes, s)).as("seed %d", seed)
          .isInstanceOf(InvalidFrameException.class);
    }
  }
}
