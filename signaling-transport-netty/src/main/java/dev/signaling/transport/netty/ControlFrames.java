package dev.signaling.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The control frames of a connection, both ways; the first layer of the one handler behind the
 * frame decoder (data frames go on to {@link MessageAssembler}, then {@link CoreBridge}: three
 * layers of one object, so that an idle connection holds one handler and one pipeline context
 * rather than three of each).
 *
 * <p><b>Liveness.</b> Once per ping interval the server pings with a payload of its own choosing
 * ({@link PingSweep} ticks for every connection of an event loop), and a client that has not
 * answered the previous ping by then is presumed dead: its TCP connection is dropped ({@code
 * 1006}) and its node leaves. Only a pong that echoes the server's latest ping to this connection
 * counts; an unsolicited pong keeps nothing alive. So a dead client is gone one to two intervals
 * after its last answer.
 *
 * <p><b>The client's pings and close.</b> A ping is answered with a pong of the same payload; a
 * client that pings without reading gets no more pongs once the channel's write buffer is full
 * (RFC 6455 allows answering only the latest ping), so pings cannot queue memory. A close frame
 * ends the connection, answered with the same code unless the server closed first.
 */
abstract class ControlFrames extends ChannelInboundHandlerAdapter {

  final NettyConnection connection;
  /** The payload of the ping not answered yet; meaningful while {@link #awaiting}. */
  private long expected;
  private boolean awaiting;

  ControlFrames(NettyConnection connection) {
    this.connection = connection;
  }

  /** The ping sweep's tick for this connection (event loop): ping, or drop if the last ping is unanswered. */
  final void tick(Channel channel) {
    if (!channel.isActive() || connection.closeFrameSent()) {
      return; // closing: its own timer ends it
    }
    if (awaiting) {
      connection.drop(1006, "no pong");
      return;
    }
    expected = ThreadLocalRandom.current().nextLong();
    awaiting = true;
    channel.writeAndFlush(ControlFrameBytes.ping(channel.alloc(), expected));
  }

  @Override
  public final void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PongWebSocketFrame pong) {
      ByteBuf payload = pong.content();
      if (awaiting && payload.readableBytes() == Long.BYTES && payload.getLong(payload.readerIndex()) == expected) {
        awaiting = false;
      }
      pong.release();
    } else if (msg instanceof PingWebSocketFrame ping) {
      try {
        if (ctx.channel().isWritable() && !connection.closeFrameSent()) {
          ctx.writeAndFlush(ControlFrameBytes.pong(ctx.alloc(), ping.content()));
        }
      } finally {
        ping.release();
      }
    } else if (msg instanceof CloseWebSocketFrame close) {
      try {
        connection.peerClosed(close.statusCode(), close.reasonText());
      } finally {
        close.release();
      }
    } else {
      dataRead(ctx, msg);
    }
  }

  /** Anything but a control frame: a data frame, or the rest of the upgrade request (owns {@code msg}). */
  abstract void dataRead(ChannelHandlerContext ctx, Object msg);
}
