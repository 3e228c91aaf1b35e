package dev.signaling.transport.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.DefaultChannelPromise;

/**
 * The promise of one write of a connection's frames: gives their bytes back to the connection's
 * queued count when the socket took them all, or when the write failed because the channel closed.
 */
final class CountedWrite extends DefaultChannelPromise implements ChannelFutureListener {

  private final NettyConnection connection;
  private final int bytes;

  CountedWrite(Channel channel, NettyConnection connection, int bytes) {
    super(channel);
    this.connection = connection;
    this.bytes = bytes;
    addListener(this);
  }

  @Override
  public void operationComplete(ChannelFuture future) {
    connection.written(bytes);
  }
}
