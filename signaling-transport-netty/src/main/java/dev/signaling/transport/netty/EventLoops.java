package dev.signaling.transport.netty;

import io.netty.channel.EventLoop;
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
import io.netty.util.concurrent.Promise;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The event loops of one server and the kind of socket they drive: Linux's epoll when Netty's
 * native library loads here, the JDK's NIO otherwise; nothing to configure. One loop of its own
 * only accepts, and hands each connection to one of the I/O loops, which do everything else.
 *
 * <p>Why accepting has a thread of its own: an I/O loop also runs the core for what it reads, and
 * in a join storm one turn (reads of many registers, each written to every node) can take a
 * second. A loop that accepted too would leave new connections in the kernel's listen backlog
 * for that long; once the backlog is full the kernel drops their handshakes, the clients
 * retransmit with growing back-off, and a request may then arrive past the handshake timeout.
 * Measured with the server on one core, join storm of 5,000: accepting on the I/O loop, the storm
 * never settled (144 to 1,126 clients closed before their upgrade, in every run; 20 to 569 even
 * when a turn accepted up to 1,024); with the accept loop, every client was upgraded within 3 s
 * (the first 2 of 3 runs) and the storm settled in 21–39 s (the Java-WebSocket transport: 27 s).
 *
 * @param acceptor the loop that accepts
 * @param group the I/O loops; as many as the machine has cores
 * @param serverChannel the listening socket's class for this kind
 * @param epoll whether the loops are epoll's
 * @param threads the number of I/O loops
 */
record EventLoops(EventLoopGroup acceptor, EventLoopGroup group, Class<? extends ServerChannel> serverChannel, boolean epoll, int threads) {

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
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1,
        new DefaultThreadFactory(THREAD_PREFIX + port + "-accept", true), io);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(threads,
        new DefaultThreadFactory(THREAD_PREFIX + port, true), io);
    return new EventLoops(acceptor, group,
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class, epoll, threads);
  }

  /**
   * Waits until every loop has handled the I/O that was ready when this was called (a connection
   * the kernel completed is accepted, what a client sent is read) and run the tasks it had, or
   * until the timeout: the accept loop first, so that what it accepted is registered with an I/O
   * loop before that loop is waited for.
   */
  void settle(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    settle(acceptor, deadline);
    settle(group, deadline);
  }

  private static void settle(EventLoopGroup loops, long deadline) {
    List<Future<?>> passes = new ArrayList<>();
    for (EventExecutor loop : loops) {
      passes.add(ioPass(loop));
    }
    for (Future<?> pass : passes) {
      pass.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Completes once {@code loop} has run a pass of I/O that began after this call. A task alone
   * would not do: a loop runs every task queued while it runs tasks, so a task submitted then can
   * complete before the loop looks at its sockets again. A task due at once, scheduled from a
   * task, waits for the loop's next turn, which starts with its I/O (see {@link FlushBudget}).
   */
  private static Future<?> ioPass(EventExecutor executor) {
    EventLoop loop = (EventLoop) executor;
    Promise<Void> done = loop.newPromise();
    try {
      loop.execute(() -> {
        if (!FlushBudget.later(loop, () -> done.trySuccess(null))) {
          done.trySuccess(null); // stopping: nothing left to wait for
        }
      });
    } catch (RejectedExecutionException e) {
      done.trySuccess(null); // a loop that stopped has nothing left to do
    }
    return done;
  }

  /** Every loop: the accept loop, then the I/O loops. */
  List<EventExecutor> all() {
    List<EventExecutor> all = new ArrayList<>();
    acceptor.forEach(all::add);
    group.forEach(all::add);
    return all;
  }

  /**
   * Stops every loop, the accept loop first, each within {@code timeoutMillis}, and waits up to
   * {@code waitMillis} for all of them to end.
   */
  void shutDown(long timeoutMillis, long waitMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    Future<?> accepting = acceptor.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
    Future<?> io = group.shutdownGracefully(0, timeoutMillis, TimeUnit.MILLISECONDS);
    accepting.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    io.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  /** Why epoll is not used, or {@code null} when it is (for the start-up log line). */
  static Throwable epollUnavailabilityCause() {
    return Epoll.unavailabilityCause();
  }
}
