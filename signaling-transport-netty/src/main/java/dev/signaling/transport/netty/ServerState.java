package dev.signaling.transport.netty;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.spi.AllowedOrigins;
import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.InboundBudget;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one server shares: the hub, the limits, the origin allowlist, the
 * shutdown flag, the connection slots (the SPI's {@link ConnectionSlots}), the budget of partial
 * inbound messages (the SPI's {@link InboundBudget}), the encoded-frame cache, the shared header
 * values, and the set of open
 * channels that {@link SignalingServer#close()} drains. Thread-safe.
 */
final class ServerState {

  private static final Logger log = LoggerFactory.getLogger(ServerState.class);

  final SignalingHub hub;
  final SignalingConfig config;
  final AllowedOrigins allowedOrigins;
  /** Null for plain TCP. */
  final ServerTls tls;
  final ConnectionSlots slots;
  final InboundBudget inbound;
  final SharedFrames frames = new SharedFrames();
  /** The handshake header values that repeat between connections, one instance each. */
  final HeaderValues headerValues = new HeaderValues();
  /** Every accepted TCP connection until it closes (a group drops closed channels by itself). */
  final ChannelGroup channels = new DefaultChannelGroup("signaling", GlobalEventExecutor.INSTANCE);

  private final AtomicLong ids = new AtomicLong();
  private final AtomicBoolean fatal = new AtomicBoolean();
  private volatile boolean shuttingDown;
  /** What the server does when an {@link Error} reached one of its threads: it closes itself. */
  private volatile Runnable onFatal = () -> { };

  ServerState(SignalingHub hub, ServerTls tls, AllowedOrigins allowedOrigins) {
    this.hub = hub;
    this.config = hub.config();
    this.tls = tls;
    this.allowedOrigins = allowedOrigins;
    this.slots = new ConnectionSlots(config);
    this.inbound = new InboundBudget(config);
  }

  /** A connection id for logs, unique on this server. */
  String nextId() {
    return "n" + ids.incrementAndGet();
  }

  /** From now on {@code /health} and new upgrades answer {@code 503}. */
  void markShuttingDown() {
    shuttingDown = true;
    slots.close();
  }

  boolean isShuttingDown() {
    return shuttingDown;
  }

  void onFatal(Runnable action) {
    this.onFatal = action;
  }

  /**
   * An {@link Error} such as {@code OutOfMemoryError} reached a transport thread, or an event loop
   * died: the server can no longer be trusted to serve, so it fails the hub (every client gets
   * {@code 1011}, the listener hears of it) and closes itself (the port is freed) rather than linger
   * half alive. Fails the hub and closes on a thread of its own, since the caller may be an event
   * loop that the close waits for, or hold the core's monitors (a send that found no memory).
   */
  void fatal(Throwable error) {
    if (!fatal.compareAndSet(false, true)) {
      return;
    }
    log.error("Fatal error in the Netty transport; the signaling server closes itself", error);
    markShuttingDown();
    Thread closer = new Thread(() -> {
      hub.fail(error);
      onFatal.run();
    }, "signaling-fatal-close");
    closer.setDaemon(true);
    closer.start();
  }

  /** Whether {@link #fatal} was called: nothing more is worth allocating for. */
  boolean failed() {
    return fatal.get();
  }

  /** The upgraded connections open now. */
  List<NettyConnection> openConnections() {
    List<NettyConnection> open = new ArrayList<>();
    for (Channel channel : channels) {
      CoreBridge bridge = channel.pipeline().get(CoreBridge.class);
      if (bridge != null) {
        open.add(bridge.connection());
      }
    }
    return open;
  }

  /** Remembers an accepted channel until it closes. */
  void accepted(Channel channel) {
    channels.add(channel);
  }
}
