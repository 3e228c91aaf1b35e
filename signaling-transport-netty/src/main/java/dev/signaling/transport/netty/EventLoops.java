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
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

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

  /** How the loops' threads are named: this, the port, then Netty's pool and thread numbers. */
  private static final String THREAD_PREFIX = "signaling-netty-io-";

  /** Whether {@code thread} is an event loop of a server of this transport. */
  static boolean isEventLoopThread(Thread thread) {
    return thread.getName().startsWith(THREAD_PREFIX);
  }

  /** {@code threads} loops for a server on {@code port} (for the threads' names); epoll only when it is available. */
  static EventLoops create(int port, int threads, boolean preferEpoll) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be > 0: " + threads);
    }
    boolean epoll = preferEpoll && Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    // Daemon threads: a server an application forgot to close never keeps its JVM alive.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
        new DefaultThreadFactory(THREAD_PREFIX + port, true), io);
    return new EventLoops(
        group, epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class, epoll, threads);
  }

  /**
   * Waits until every loop has run what it had to do when this was called (its pending I/O
   * events and tasks), or until the timeout.
   */
  void settle(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    List<Future<?>> passes = new ArrayList<>();
    for (EventExecutor loop : group) {
      try {
        passes.add(loop.submit(() -> { }));
      } catch (RejectedExecutionException e) {
        // a loop that stopped has nothing left to do
      }
    }
    for (Future<?> pass : passes) {
      pass.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
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
