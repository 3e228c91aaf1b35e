package dev.signaling.transport.javawebsocket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The socket channel as Java-WebSocket sees it, reporting every write to its {@link
 * SignalingSocket}: the only place where we learn that queued bytes reached the socket.
 */
final class CountingChannel implements ByteChannel {

  private final SocketChannel channel;
  private final SignalingSocket socket;

  CountingChannel(SocketChannel channel, SignalingSocket socket) {
    this.channel = channel;
    this.socket = socket;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    int written = channel.write(src);
    if (written > 0) {
      socket.written(written);
    }
    return written;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
