package dev.signaling.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Accepts connections on a Unix domain socket and passes their bytes to a TCP port on 127.0.0.1:
 * the way into this network namespace for a browser that runs in another one, which has nothing
 * but its own loopback interface. The file system is shared between namespaces; networks are not.
 */
final class UnixSocketBridge implements AutoCloseable {

  private final Path path;
  private final int tcpPort;
  private final ServerSocketChannel listener;
  private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private UnixSocketBridge(Path path, int tcpPort) throws IOException {
    this.path = path;
    this.tcpPort = tcpPort;
    Files.deleteIfExists(path);
    this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(path));
    this.acceptor = new Thread(this::accept, "unix-bridge-" + tcpPort);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Bridges the socket file {@code path} (created here) to {@code 127.0.0.1:tcpPort}. */
  static UnixSocketBridge start(Path path, int tcpPort) throws IOException {
    return new UnixSocketBridge(path, tcpPort);
  }

  Path path() {
    return path;
  }

  int tcpPort() {
    return tcpPort;
  }

  private void accept() {
    while (listener.isOpen()) {
      try {
        SocketChannel unix = listener.accept();
        SocketChannel tcp;
        try {
          tcp = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort));
        } catch (IOException e) {
          unix.close(); // the server is gone: so is this connection
          continue;
        }
        channels.add(unix);
        channels.add(tcp);
        pump(unix, tcp);
        pump(tcp, unix);
      } catch (IOException e) {
        // Closed: the loop ends.
      }
    }
  }

  private void pump(SocketChannel from, SocketChannel to) {
    Thread thread = new Thread(() -> {
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      try {
        while (from.read(buffer) >= 0) {
          buffer.flip();
          while (buffer.hasRemaining()) {
            to.write(buffer);
          }
          buffer.clear();
        }
      } catch (IOException e) {
        // One side went away.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        channels.remove(from);
        channels.remove(to);
      }
    }, "unix-bridge-pump-" + tcpPort);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    closeQuietly(listener);
    channels.forEach(UnixSocketBridge::closeQuietly);
    acceptor.join(10_000);
    Files.deleteIfExists(path);
  }

  private static void closeQuietly(java.nio.channels.Channel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // Already closed.
    }
  }
}
