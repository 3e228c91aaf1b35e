package dev.signaling.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One ping timer per event loop, not one per connection: every ping interval it ticks {@link
 * ControlFrames#tick} for each upgraded connection of its loop, on that loop. A timer per
 * connection would be a scheduled task (64 bytes) that every idle connection holds; walking the
 * server's channel set once per interval costs next to nothing. A connection's first ping comes
 * at the first tick after its upgrade, so within one interval, and its drop at the tick after an
 * unanswered ping: one to two intervals after its last answer, as before.
 */
final class PingSweep implements Runnable {

  private final EventExecutor loop;
  private final ChannelGroup channels;

  private PingSweep(EventExecutor loop, ChannelGroup channels) {
    this.loop = loop;
    this.channels = channels;
  }

  /** Starts one sweep on every loop of {@code group}; they end when the loops shut down. */
  static void start(EventLoopGroup group, ChannelGroup channels, long intervalNanos) {
    for (EventExecutor loop : group) {
      loop.scheduleAtFixedRate(new PingSweep(loop, channels), intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void run() {
    for (Channel channel : channels) {
      if (channel.eventLoop() == loop && channel.pipeline().last() instanceof CoreBridge bridge) {
        try {
          bridge.tick(channel);
        } catch (Throwable t) {
          // One connection's failure must not cancel the timer of all the others.
          bridge.failed(t);
        }
      }
    }
  }
}
