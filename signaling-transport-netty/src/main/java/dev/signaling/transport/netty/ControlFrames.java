package dev.signaling.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The control frames of a connection, both ways.
 *
 * <p><b>Liveness.</b> Once per ping interval the server pings with a payload of its own choosing,
 * and a client that has not answered the previous ping by then is presumed dead: its TCP
 * connection is dropped ({@code 1006}) and its node leaves. Only a pong that echoes the server's
 * latest ping counts; an unsolicited pong keeps nothing alive. So a dead client is gone one to two
 * intervals after its last answer.
 *
 * <p><b>The client's pings and close.</b> A ping is answered with a pong of the same payload; a
 * client that pings without reading gets no more pongs once the channel's write buffer is full
 * (RFC 6455 allows answering only the latest ping), so pings cannot queue memory. A close frame
 * ends the connection, answered with the same code unless the server closed first.
 */
final class ControlFrames extends ChannelInboundHandlerAdapter implements Runnable {

  private final NettyConnection connection;
  private final long intervalNanos;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> timer;
  /** The payload of the ping not answered yet; meaningful while {@link #awaiting}. */
  private long expected;
  private boolean awaiting;

  ControlFrames(NettyConnection connection, long pingIntervalNanos) {
    this.connection = connection;
    this.intervalNanos = pingIntervalNanos;
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

  /** The ping timer's tick. */
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
    if (msg instanceof PongWebSocketFrame pong) {
      ByteBuf payload = pong.content();
      if (awaiting && payload.readableBytes() == Long.BYTES && payload.getLong(payload.readerIndex()) == expected) {
        awaiting = false;
      }
      pong.release();
    } else if (msg instanceof PingWebSocketFrame ping) {
      if (ctx.channel().isWritable() && !connection.closeFrameSent()) {
        ctx.writeAndFlush(new PongWebSocketFrame(ping.content()));
      } else {
        ping.release();
      }
    } else if (msg instanceof CloseWebSocketFrame close) {
      try {
        connection.peerClosed(close.statusCode(), close.reasonText());
      } finally {
        close.release();
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }
}
