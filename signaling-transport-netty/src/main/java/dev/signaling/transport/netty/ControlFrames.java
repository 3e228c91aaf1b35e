package dev.signaling.transport.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;

/**
 * The client's control frames: a ping is answered with a pong of the same payload, a close frame
 * ends the connection (answered with the same code unless the server closed first). A client that
 * pings without reading gets no more pongs once the channel's write buffer is full (RFC 6455
 * allows answering only the latest ping), so pings cannot queue memory.
 */
final class ControlFrames extends ChannelInboundHandlerAdapter {

  private final NettyConnection connection;

  ControlFrames(NettyConnection connection) {
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PingWebSocketFrame ping) {
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
