package dev.signaling.transport.netty;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingException;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.spi.AllowedOrigins;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a server: checks that the port is free, creates the hub (joining the cluster, if any),
 * then binds the listening socket on the accept loop. Whatever fails releases what was taken
 * before it.
 */
final class Listeners {

  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  /** Pending TCP connections the kernel may hold for the listening socket, for reconnect storms. */
  private static final int ACCEPT_BACKLOG = 1024;
  /**
   * A channel stops being writable above this many queued bytes and is writable again below the
   * low mark: the core hands over at most its send window (64 KiB) while the channel is busy.
   */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);
  /**
   * One read buffer size for every connection, shared: Netty's default gives each connection an
   * adaptive allocator of its own (about 100 bytes of heap per idle connection). Reads are 16 KiB
   * at most; the buffer is released after each read, so an idle connection holds none.
   */
  private static final FixedRecvByteBufAllocator READS = new FixedRecvByteBufAllocator(16 * 1024);

  private Listeners() {}

  static SignalingServer start(String host, int port, SignalingConfig config, SignalingListener listener,
      Cluster cluster, SSLContext jdkTls, KeyManagerFactory openSslKeys, AllowedOrigins allowedOrigins,
      boolean preferEpoll) {
    InetSocketAddress free;
    ServerTls tls;
    try {
      free = probe(host, port);
      tls = ServerTls.of(jdkTls, openSslKeys);
    } catch (SignalingException e) {
      if (cluster != null) {
        cluster.close();
      }
      throw e;
    }
    SignalingHub hub = cluster == null
        ? SignalingHub.create(config, listener)
        : SignalingHub.create(config, listener, cluster); // owns the cluster from here on
    EventLoops loops = null;
    try {
      loops = EventLoops.create(free.getPort(), Runtime.getRuntime().availableProcessors(), preferEpoll);
      ServerState state = new ServerState(hub, tls, allowedOrigins);
      PingSweep.start(loops.group(), state.channels, config.pingInterval().toNanos());
      loops.group().next().scheduleAtFixedRate(state.frames::forgetUnused, SharedFrames.FORGET_PERIOD_MILLIS,
          SharedFrames.FORGET_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
      Channel listening = bind(loops, state, host, free.getPort());
      log.info("Signaling server listening on {}:{} ({}; Netty {}, {} I/O event loops and one accepting; origins: {})",
          host, free.getPort(), tls == null ? "ws" : "wss, TLS by " + tls.provider(), loops.epoll() ? "epoll" : "NIO", loops.threads(),
          allowedOrigins.allowsAny() ? "any" : allowedOrigins.origins());
      if (!loops.epoll()) {
        log.debug("epoll unavailable", EventLoops.epollUnavailabilityCause());
      }
      return SignalingServer.started(host, free.getAddress(), free.getPort(), hub, state, loops, listening);
    } catch (RuntimeException | Error e) {
      if (loops != null) {
        loops.shutDown(0, 0);
      }
      hub.close();
      if (tls != null) {
        tls.close();
      }
      throw e instanceof SignalingException s ? s
          : new SignalingException("signaling server on " + host + ":" + port + " did not start", e);
    }
  }

  /**
   * Binds {@code host:port} once and lets it go: so a port in use is reported, and port {@code 0}
   * becomes a real one, before the hub is created (which may join a cluster).
   */
  private static InetSocketAddress probe(String host, int port) {
    try (ServerSocketChannel channel = ServerSocketChannel.open()) {
      // Lets a new server bind at once after close, while old connections linger in TIME_WAIT.
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(new InetSocketAddress(host, port), 1);
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException | RuntimeException e) {
      throw new SignalingException("cannot listen on port " + port + " of " + host + ": " + e.getMessage(), e);
    }
  }

  private static Channel bind(EventLoops loops, ServerState state, String host, int port) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(loops.acceptor(), loops.group())
        .channel(loops.serverChannel())
        .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childOption(ChannelOption.RECVBUF_ALLOCATOR, READS)
        .childHandler(new ChannelSetup(state));
    ChannelFuture bound = bootstrap.bind(host, port).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      Throwable cause = bound.cause();
      throw new SignalingException("cannot listen on port " + port + " of " + host + ": " + cause.getMessage(), cause);
    }
    return bound.channel();
  }
}
