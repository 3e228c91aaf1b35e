package dev.signaling.testkit;

import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.OutboundMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory {@link Connection}: what the core sends lands in a queue the test reads. Reading
 * can be paused to play a slow consumer: sent messages then count as queued bytes until {@link
 * #resumeReading()}. {@link #close} and {@link #abort} report the close to the core synchronously,
 * which is the harshest re-entrancy a transport may impose on it.
 */
public final class InMemoryConnection implements Connection {

  private static final AtomicInteger IDS = new AtomicInteger();

  private final String id = "mem-" + IDS.incrementAndGet();
  final BlockingQueue<String> received = new LinkedBlockingQueue<>();
  final CompletableFuture<TestClient.CloseStatus> closed = new CompletableFuture<>();
  private ConnectionHandler handler;
  private final List<OutboundMessage> unread = new ArrayList<>();
  private long queuedBytes;
  private boolean paused;
  private boolean isClosed;

  private TestClient.CloseStatus closedBeforeAttach;

  /** Installs the handler; a close that happened inside {@code hub.open} is reported now. */
  void attach(ConnectionHandler handler) {
    TestClient.CloseStatus early;
    synchronized (this) {
      this.handler = handler;
      early = closedBeforeAttach;
    }
    if (early != null) {
      handler.onClose(early.code(), early.reason(), false);
    }
  }

  /** Reports a close to the core, or defers it until the handler is attached. */
  private void reportClose(int code, String reason, boolean remote) {
    ConnectionHandler h;
    synchronized (this) {
      h = handler;
      if (h == null) {
        closedBeforeAttach = new TestClient.CloseStatus(code, reason);
        return;
      }
    }
    h.onClose(code, reason, remote);
  }

  ConnectionHandler handler() {
    return handler;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public HandshakeRequest handshake() {
    return HandshakeRequest.none();
  }

  @Override
  public synchronized boolean send(OutboundMessage message) {
    if (isClosed) {
      return false;
    }
    if (paused) {
      unread.add(message);
      queuedBytes += message.size() + 2;
    } else {
      received.add(message.text());
    }
    return true;
  }

  @Override
  public synchronized long queuedBytes() {
    return queuedBytes;
  }

  /** Stops reading: further messages pile up as queued bytes. */
  public synchronized void pauseReading() {
    paused = true;
  }

  /** Reads everything that piled up, then tells the core it may send more. */
  public void resumeReading() {
    synchronized (this) {
      paused = false;
      unread.forEach(m -> received.add(m.text()));
      unread.clear();
      queuedBytes = 0;
    }
    handler.onWritable();
  }

  @Override
  public void close(int code, String reason) {
    synchronized (this) {
      if (isClosed) {
        return;
      }
      isClosed = true;
      unread.forEach(m -> received.add(m.text()));
      unread.clear();
    }
    closed.complete(new TestClient.CloseStatus(code, reason));
    reportClose(code, reason, false);
  }

  @Override
  public void abort(int code, String reason) {
    synchronized (this) {
      if (isClosed) {
        return;
      }
      isClosed = true;
      unread.clear();
      queuedBytes = 0;
    }
    closed.complete(new TestClient.CloseStatus(code, reason));
    reportClose(code, reason, false);
  }

  /** The client closes its side. */
  void closeFromClient(int code) {
    synchronized (this) {
      if (isClosed) {
        return;
      }
      isClosed = true;
    }
    closed.complete(new TestClient.CloseStatus(code, ""));
    reportClose(code, "", true);
  }

  synchronized boolean isClosed() {
    return isClosed;
  }
}
