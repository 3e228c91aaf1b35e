package dev.signaling.transport.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A loop's budget of bytes per turn, on a real event loop of the kind the server runs. */
class FlushBudgetTest {

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoop loop = group.next();

  @AfterEach
  void stop() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void pastTheBudget_aFlushWaitsForTheNextTurn_behindThisTurnsTasks_andFindsTheBudgetRenewed() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    CountDownLatch deferredRan = new CountDownLatch(1);
    loop.submit(() -> {
      // A fresh turn lets one flush through, however large.
      order.add("large " + FlushBudget.take(loop, FlushBudget.BYTES_PER_TURN + 1));
      order.add("next " + FlushBudget.take(loop, 1));
      FlushBudget.later(loop, () -> {
        order.add("deferred " + FlushBudget.take(loop, FlushBudget.BYTES_PER_TURN));
        deferredRan.countDown();
      });
      loop.execute(() -> order.add("a task of this turn"));
    }).sync();

    assertThat(deferredRan.await(5, TimeUnit.SECONDS)).as("the deferred flush ran").isTrue();
    assertThat(order).containsExactly("large true", "next false", "a task of this turn", "deferred true");
  }

  @Test
  void withinTheBudget_flushesGoAtOnce() throws Exception {
    List<Boolean> taken = new CopyOnWriteArrayList<>();
    loop.submit(() -> {
      for (int i = 0; i < 4; i++) {
        taken.add(FlushBudget.take(loop, FlushBudget.BYTES_PER_TURN / 4));
      }
      taken.add(FlushBudget.take(loop, 1));
    }).sync();
    assertThat(taken).containsExactly(true, true, true, true, false);
  }
}
