package dev.signaling.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Ping/pong liveness: once per interval the server pings with a payload of its own choosing, and
 * a client that has not answered the previous ping by then is presumed dead: its TCP connection is
 * dropped ({@code 1006}), and its node leaves. Only a pong that echoes the server's latest ping
 * counts; an unsolicited pong keeps nothing alive. So a dead client is gone one to two intervals
 * after its last answer.
 */
final class Liveness extends ChannelInboundHandlerAdapter implements Runnable {

  private final NettyConnection connection;
  private final long intervalNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  /** The payload of the ping not answered yet; meaningful while {@link #awaiting}. */
  private long expected;
  private boolean awaiting;

  Liveness(NettyConnection connection, long intervalNanos) {
    this.connection = connection;
    this.intervalNanos = intervalNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    timer = ctx.executor().scheduleAtFixedRate(this, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    timer.cancel(false);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.cancel(false);
    ctx.fireChannelInactive();
  }

  @Override
  public void run() {
    if (!ctx.channel().isActive() || connection.closeFrameSent()) {
      return; // closing: its own timer ends it
    }
    if (awaiting) {
      connection.drop(1006, "no pong");
      return;
    }
    expected = ThreadLocalRandom.current().nextLong();
    awaiting = true;
    ctx.writeAndFlush(new PingWebSocketFrame(ctx.alloc().buffer(Long.BYTES).writeLong(expected)));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof PongWebSocketFrame pong)) {
      ctx.fireChannelRead(msg);
      return;
    }
    ByteBuf payload = pong.content();
    if (awaiting && payload.readableBytes() == Long.BYTES && payload.getLong(payload.readerIndex()) == expected) {
      awaiting = false;
    }
    pong.release();
  }
}
