package dev.signaling.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.AllowedOrigins;
import dev.signaling.core.spi.OutboundMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What a connection does when Netty cannot give it a buffer, on a real (embedded) channel. */
class NettyConnectionTest {

  /** The direct memory is exhausted, as the JDK reports it. */
  private static final class ExhaustedDirectMemory extends AbstractByteBufAllocator {
    ExhaustedDirectMemory() {
      super(true);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      return Unpooled.buffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      throw new OutOfMemoryError("Cannot reserve " + initialCapacity + " bytes of direct buffer memory");
    }
  }

  @Test
  void whenNoBufferCanBeAllocated_theSendIsRefused_andTheServerClosesItself_ratherThanLingerHalfAlive()
      throws Exception {
    AtomicReference<Throwable> hubFailedWith = new AtomicReference<>();
    SignalingListener listener = new SignalingListener() {
      @Override
      public void serverFailed(Throwable cause) {
        hubFailedWith.set(cause);
      }
    };
    ServerState server = new ServerState(SignalingHub.create(SignalingConfig.defaults(), listener), null,
        AllowedOrigins.ANY);
    CountDownLatch closing = new CountDownLatch(1);
    server.onFatal(closing::countDown);
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(new ExhaustedDirectMemory());
    NettyConnection connection = new NettyConnection(channel, "n1", HandshakeRequest.none(), server);

    boolean sent = connection.sendAll(List.of(OutboundMessage.ofText("{\"type\":\"heartbeat\",\"from\":\"a\"}")));
    channel.runPendingTasks();

    assertThat(sent).as("the send went nowhere").isFalse();
    assertThat(closing.await(5, TimeUnit.SECONDS)).as("the server closes itself").isTrue();
    assertThat(server.isShuttingDown()).isTrue();
    assertThat(hubFailedWith.get()).as("the hub failed first (every client 1011)")
        .isInstanceOf(OutOfMemoryError.class).hasMessageContaining("direct buffer memory");
    assertThat(connection.send(OutboundMessage.ofText("{}"))).as("nothing is taken after that").isFalse();
    EmbeddedChannel other = new EmbeddedChannel();
    NettyConnection another = new NettyConnection(other, "n2", HandshakeRequest.none(), server);
    assertThat(another.send(OutboundMessage.ofText("{}")))
        .as("nor by another connection of the failed server, which would only stall on memory again").isFalse();
    channel.finishAndReleaseAll();
    other.finishAndReleaseAll();
  }
}
