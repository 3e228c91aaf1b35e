package dev.signaling.transport.netty;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.spi.AllowedOrigins;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every connection of one server shares: the hub, the limits, the origin allowlist, the
 * shutdown flag, the connection slots, the encoded-frame cache, and the set of open channels that
 * {@link SignalingServer#close()} drains. Thread-safe.
 */
final class ServerState {

  private static final Logger log = LoggerFactory.getLogger(ServerState.class);

  final SignalingHub hub;
  final SignalingConfig config;
  final AllowedOrigins allowedOrigins;
  /** Null for plain TCP. */
  final SSLContext tls;
  final SharedFrames frames = new SharedFrames();
  /** Every accepted TCP connection until it closes (a group drops closed channels by itself). */
  final ChannelGroup channels = new DefaultChannelGroup("signaling", GlobalEventExecutor.INSTANCE);

  private final AtomicInteger admitted = new AtomicInteger();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicBoolean fatal = new AtomicBoolean();
  private volatile boolean shuttingDown;
  /** What the server does when an {@link Error} reached one of its threads: it closes itself. */
  private volatile Runnable onFatal = () -> { };

  ServerState(SignalingHub hub, SSLContext tls, AllowedOrigins allowedOrigins) {
    this.hub = hub;
    this.config = hub.config();
    this.tls = tls;
    this.allowedOrigins = allowedOrigins;
  }

  /** A connection id for logs, unique on this server. */
  String nextId() {
    return "n" + ids.incrementAndGet();
  }

  /** From now on {@code /health} and new upgrades answer {@code 503}. */
  void markShuttingDown() {
    shuttingDown = true;
  }

  boolean isShuttingDown() {
    return shuttingDown;
  }

  /** Takes a connection slot for an upgrade; {@code false} when full or stopping. */
  boolean admit() {
    while (!shuttingDown) {
      int current = admitted.get();
      if (current >= config.maxConnections()) {
        return false;
      }
      if (admitted.compareAndSet(current, current + 1)) {
        return true;
      }
    }
    return false;
  }

  /** Gives back a slot taken by {@link #admit()}; once per admitted connection. */
  void release() {
    admitted.decrementAndGet();
  }

  void onFatal(Runnable action) {
    this.onFatal = action;
  }

  /**
   * An {@link Error} such as {@code OutOfMemoryError} reached a transport thread, or an event loop
   * died: the server can no longer be trusted to serve, so it closes itself (clients get {@code
   * 1001}, the port is freed) rather than linger half alive. Runs the close on a thread of its own,
   * since the caller may be an event loop that the close waits for.
   */
  void fatal(Throwable error) {
    if (!fatal.compareAndSet(false, true)) {
      return;
    }
    log.error("Fatal error in the Netty transport; the signaling server closes itself", error);
    markShuttingDown();
    Thread closer = new Thread(onFatal, "signaling-netty-fatal-close");
    closer.setDaemon(true);
    closer.start();
  }

  /** Remembers an accepted channel until it closes. */
  void accepted(Channel channel) {
    channels.add(channel);
  }
}
