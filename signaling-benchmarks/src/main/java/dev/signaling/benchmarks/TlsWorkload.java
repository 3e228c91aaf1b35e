package dev.signaling.benchmarks;

import dev.signaling.testkit.TestCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;

/**
 * {@code tls}: the server side of TLS with the JDK's provider (what the Netty transport uses: an
 * {@code SslHandler} over {@code SSLContext.createSSLEngine()}) against OpenSSL (BoringSSL from
 * {@code netty-tcnative-boringssl-static}), on one Netty event loop each, with the test
 * certificate (EC P-256) and TLS 1.3 as negotiated by default. The client is the same in both
 * runs (OpenSSL, on a loop of its own), so the difference is the server's provider.
 *
 * <ul>
 *   <li><b>handshakes/s</b>: {@code parallel} connections at a time are opened, handshaken and
 *       dropped (linger 0, so no {@code TIME_WAIT} piles up), for {@code seconds};
 *   <li><b>relay</b>: {@code connections} connections each keep {@code window} messages of {@code
 *       size} bytes in flight, every message flushed on its own (one TLS record each, as the server
 *       sends a signal), and the server echoes what it reads; messages/s and MiB/s echoed.
 * </ul>
 *
 * The providers alternate for {@code rounds} rounds; the ratios OpenSSL / JDK are per round.
 */
final class TlsWorkload {

  private static final String HOST = "127.0.0.1";

  /** One measurement of one provider. */
  record Result(String provider, double handshakesPerSecond, double messagesPerSecond, double mibPerSecond) {}

  private TlsWorkload() {}

  static void run(Map<String, Long> o, PrintStream out) throws Exception {
    int rounds = (int) (long) o.getOrDefault("rounds", 3L);
    long seconds = o.getOrDefault("seconds", 5L);
    int parallel = (int) (long) o.getOrDefault("parallel", 16L);
    int connections = (int) (long) o.getOrDefault("connections", 4L);
    int window = (int) (long) o.getOrDefault("window", 64L);
    int size = (int) (long) o.getOrDefault("size", 200L);
    if (!OpenSsl.isAvailable()) {
      throw new IllegalStateException("OpenSSL is not available here", OpenSsl.unavailabilityCause());
    }
    out.printf("tls: %s, %d rounds of %d s; handshakes %d in parallel; relay %d connections x %d messages of %d B%n",
        OpenSsl.versionString(), rounds, seconds, parallel, connections, window, size);
    KeyManagerFactory keys = TestCertificate.get().keyManagers();
    SslContext openSsl = SslContextBuilder.forServer(keys).sslProvider(SslProvider.OPENSSL).build();
    SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
        .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
    javax.net.ssl.SSLContext jdk = TestCertificate.get().serverContext();
    measure("warm-up jdk", ch -> jdkEngine(jdk, ch), client, 2, parallel, connections, window, size);
    measure("warm-up openssl", ch -> openSsl.newHandler(ch.alloc()), client, 2, parallel, connections, window, size);
    for (int r = 1; r <= rounds; r++) {
      Result j = measure("jdk", ch -> jdkEngine(jdk, ch), client, seconds, parallel, connections, window, size);
      Result s = measure("openssl", ch -> openSsl.newHandler(ch.alloc()), client, seconds, parallel, connections, window,
          size);
      out.printf("round %d: %s%n         %s%n         openssl/jdk: handshakes %.2fx, relay %.2fx%n", r, j, s,
          s.handshakesPerSecond() / j.handshakesPerSecond(), s.messagesPerSecond() / j.messagesPerSecond());
      out.println(Results.line(j));
      out.println(Results.line(s));
    }
  }

  private static SslHandler jdkEngine(javax.net.ssl.SSLContext context, Channel channel) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    return new SslHandler(engine);
  }

  /** Makes the server's TLS handler for a new channel. */
  private interface Tls {
    SslHandler handler(Channel channel) throws Exception;
  }

  private static Result measure(String provider, Tls tls, SslContext client, long seconds, int parallel,
      int connections, int window, int size) throws Exception {
    boolean epoll = Epoll.isAvailable();
    EventLoopGroup server = group(epoll);
    EventLoopGroup clients = group(epoll);
    try {
      Channel listener = new ServerBootstrap().group(server)
          .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
          .option(ChannelOption.SO_BACKLOG, 1024)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) throws Exception {
              ch.pipeline().addLast(tls.handler(ch), new Echo());
            }
          }).bind(HOST, 0).sync().channel();
      InetSocketAddress address = (InetSocketAddress) listener.localAddress();
      Bootstrap bootstrap = new Bootstrap().group(clients)
          .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.SO_LINGER, 0);
      double handshakes = handshakes(bootstrap, client, address, seconds, parallel);
      double messages = relay(bootstrap, client, address, seconds, connections, window, size);
      listener.close().sync();
      return new Result(provider, handshakes, messages, messages * size / (1024.0 * 1024.0));
    } finally {
      clients.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      server.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }

  private static EventLoopGroup group(boolean epoll) {
    return new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  private static double handshakes(Bootstrap bootstrap, SslContext client, InetSocketAddress address, long seconds,
      int parallel) throws InterruptedException {
    AtomicLong done = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        SslHandler ssl = client.newHandler(ch.alloc(), address.getHostString(), address.getPort());
        ch.pipeline().addLast(ssl);
        ssl.handshakeFuture().addListener(f -> {
          if (f.isSuccess()) {
            done.incrementAndGet();
          }
          ch.close();
        });
      }
    });
    Runnable[] next = new Runnable[1];
    next[0] = () -> {
      if (running.get()) {
        b.connect(address).addListener(f -> {
          if (f.isSuccess()) {
            ((io.netty.channel.ChannelFuture) f).channel().closeFuture().addListener(c -> next[0].run());
          } else {
            next[0].run();
          }
        });
      }
    };
    for (int i = 0; i < parallel; i++) {
      next[0].run();
    }
    long start = System.nanoTime();
    long before = done.get();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    double rate = (done.get() - before) / ((System.nanoTime() - start) / 1e9);
    running.set(false);
    return rate;
  }

  private static double relay(Bootstrap bootstrap, SslContext client, InetSocketAddress address, long seconds,
      int connections, int window, int size) throws Exception {
    AtomicLong echoed = new AtomicLong();
    Bootstrap b = bootstrap.clone().handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel ch) {
        SslHandler ssl = client.newHandler(ch.alloc(), address.getHostString(), address.getPort());
        ch.pipeline().addLast(ssl, new Pinger(ssl, window, size, echoed));
      }
    });
    Channel[] channels = new Channel[connections];
    for (int i = 0; i < connections; i++) {
      channels[i] = b.connect(address).sync().channel();
    }
    Thread.sleep(500); // handshakes done, windows full
    long start = System.nanoTime();
    long before = echoed.get();
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    double rate = (echoed.get() - before) / (double) size / ((System.nanoTime() - start) / 1e9);
    for (Channel channel : channels) {
      channel.close().sync();
    }
    return rate;
  }

  /** The server: echoes what it reads, flushed once per read batch. */
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** A relay client: keeps {@code window} messages in flight, each flushed alone. */
  private static final class Pinger extends ChannelInboundHandlerAdapter {
    private final SslHandler ssl;
    private final int window;
    private final int size;
    private final AtomicLong echoed;
    private long received;

    Pinger(SslHandler ssl, int window, int size, AtomicLong echoed) {
      this.ssl = ssl;
      this.window = window;
      this.size = size;
      this.echoed = echoed;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ssl.handshakeFuture().addListener(f -> {
        for (int i = 0; i < window; i++) {
          send(ctx);
        }
      });
      ctx.fireChannelActive();
    }

    private void send(ChannelHandlerContext ctx) {
      ByteBuf message = ctx.alloc().buffer(size);
      message.writeZero(size);
      ctx.writeAndFlush(message);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf data = (ByteBuf) msg;
      received += data.readableBytes();
      echoed.addAndGet(data.readableBytes());
      data.release();
      while (received >= size) { // one new message per message echoed whole
        received -= size;
        send(ctx);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
