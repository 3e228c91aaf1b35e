package dev.signaling.transport.javawebsocket;

import dev.signaling.core.SignalingHub;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.java_websocket.framing.CloseFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the transport stops, whether asked to or because it cannot go on. An {@link Error} (typically
 * an {@link OutOfMemoryError}) that reaches one of its threads, or the library's selector giving
 * up, leaves no half-dead server: {@link #fail} marks the server as shutting down ({@code /health}
 * and upgrades answer {@code 503}), calls {@link SignalingHub#fail} (every client is closed with
 * {@code 1011}, the listener hears {@code serverFailed}), then stops the server on a thread of
 * its own, as {@code close()} would: the port is freed, and a later {@code close()} returns once
 * that stop is done. One connection's {@link RuntimeException} is not a failure of the server:
 * it closes that connection only ({@link WebSocketEndpoint#failed}).
 *
 * <p>When the selector thread itself died, nothing is written any more: each client with nothing
 * queued gets its {@code 1011} close frame written straight to its socket; the others' sockets are
 * just closed.
 */
final class Failure {

  private static final Logger log = LoggerFactory.getLogger(Failure.class);

  /** A task that may wait. */
  interface Stop {
    void run() throws InterruptedException;
  }

  private final WebSocketEndpoint endpoint;
  private final SignalingHub hub;
  private final ServerSocketChannel channel;
  private final int stopTimeoutMillis;
  private final AtomicBoolean failed = new AtomicBoolean();
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile Thread selector;

  Failure(WebSocketEndpoint endpoint, SignalingHub hub, ServerSocketChannel channel, int stopTimeoutMillis) {
    this.endpoint = endpoint;
    this.hub = hub;
    this.channel = channel;
    this.stopTimeoutMillis = stopTimeoutMillis;
  }

  /** The library's selector thread, once it runs. */
  void selectorThread(Thread thread) {
    this.selector = thread;
  }

  /** The server cannot go on; the selector still writes. Once; later calls are logged only. */
  void fail(Throwable cause) {
    if (!failed.compareAndSet(false, true)) {
      log.debug("A further failure after the server failed", cause);
      return;
    }
    endpoint.markShuttingDown();
    try {
      hub.fail(cause);
    } catch (Throwable t) {
      // Nothing more to do for the clients: the stop below drops them.
    }
    try {
      Thread stopper = new Thread(this::stopQuietly, "signaling-stop");
      stopper.setDaemon(true);
      stopper.start();
    } catch (Throwable t) {
      stopQuietly(); // no thread to be had: stop on this one
    }
  }

  /** An {@link Error} got out of the library's selector loop: the selector is closed. */
  void selectorDied(Throwable cause) {
    closeDirectly();
    fail(cause);
  }

  /**
   * The library's selector loop met a {@link RuntimeException} and stops itself; it then waits
   * for its own thread without limit (until {@link #stopOnce} interrupts it), writing nothing.
   */
  void selectorGaveUp(Exception cause) {
    closeDirectly();
    fail(cause);
  }

  private void closeDirectly() {
    for (SignalingSocket socket : endpoint.sockets()) {
      try {
        socket.closeDirectly(CloseFrame.UNEXPECTED_CONDITION, "internal error");
      } catch (Throwable t) {
        // the next one
      }
    }
  }

  private void stopQuietly() {
    try {
      endpoint.shutDown(stopTimeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.error("Stopping after the failure failed", e);
    }
  }

  /**
   * Runs {@code stop} the first time; a later call waits (bounded) for the first to end. Then the
   * selector thread is not left behind (interrupted if still alive), and the port is closed.
   */
  void stopOnce(Stop stop) throws InterruptedException {
    if (!stopping.compareAndSet(false, true)) {
      stopped.await(stopTimeoutMillis + 5_000L, TimeUnit.MILLISECONDS);
      return;
    }
    try {
      stop.run();
    } finally {
      Thread s = selector;
      if (s != null && s != Thread.currentThread() && s.isAlive()) {
        s.interrupt();
      }
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("Closing the server socket failed", e);
      }
      stopped.countDown();
    }
  }
}
