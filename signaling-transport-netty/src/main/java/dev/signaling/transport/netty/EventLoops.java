package dev.signaling.transport.netty;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The event loops of one server and the kind of socket they drive: Linux's epoll when Netty's
 * native library loads here, the JDK's NIO otherwise; nothing to configure. Every loop accepts and
 * does I/O: with epoll the port is bound once per loop ({@code SO_REUSEPORT}), so the kernel
 * spreads new connections over all of them (a reconnect storm is accepted on every core); with NIO
 * one loop accepts and hands connections to all.
 *
 * @param group the loops; as many as the machine has cores
 * @param serverChannel the listening socket's class for this kind
 * @param epoll whether the loops are epoll's
 * @param threads the number of loops
 */
record EventLoops(EventLoopGroup group, Class<? extends ServerChannel> serverChannel, boolean epoll, int threads) {

  /** Loops for a server on {@code port} (for the threads' names), one per core. */
  static EventLoops create(int port) {
    return create(port, Runtime.getRuntime().availableProcessors(), true);
  }

  /** Loops of the given kind; epoll only when it is available. */
  static EventLoops create(int port, int threads, boolean preferEpoll) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be > 0: " + threads);
    }
    boolean epoll = preferEpoll && Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    // Daemon threads: a server an application forgot to close never keeps its JVM alive.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
        new DefaultThreadFactory("signaling-netty-" + port, true), io);
    return new EventLoops(
        group, epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class, epoll, threads);
  }

  /** How many listening sockets to bind: one per loop with epoll, one with NIO. */
  int acceptors() {
    return epoll ? threads : 1;
  }

  /** Why epoll is not used, or {@code null} when it is (for the start-up log line). */
  static Throwable epollUnavailabilityCause() {
    return Epoll.unavailabilityCause();
  }
}
