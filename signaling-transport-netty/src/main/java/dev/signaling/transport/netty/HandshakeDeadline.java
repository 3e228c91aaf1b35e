package dev.signaling.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes the TCP connection if it has not become a WebSocket within the handshake timeout, however
 * many bytes it keeps dripping: a deadline from the accept, not an idle timer. Covers the TLS
 * handshake, a head that never ends, and a plain HTTP answer the client never reads. Removed from
 * the pipeline by the upgrade.
 */
final class HandshakeDeadline extends ChannelInboundHandlerAdapter {

  private final long timeoutNanos;
  private ScheduledFuture<?> timeout;

  HandshakeDeadline(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
  }

  private void arm(ChannelHandlerContext ctx) {
    if (timeout == null) {
      timeout = ctx.executor().schedule(() -> {
        ctx.channel().close();
      }, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }
}
