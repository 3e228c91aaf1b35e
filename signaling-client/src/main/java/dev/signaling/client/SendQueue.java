package dev.signaling.client;

import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * The messages of one connection that wait to be written, bounded by their total length. The
 * JDK's WebSocket takes one text message at a time (a second {@code sendText} before the first
 * completes fails with "Send pending"), so this queue hands them over one by one, each when the
 * previous one was written. Thread-safe; {@link #offer} never blocks.
 */
final class SendQueue {

  private final WebSocket socket;
  private final long maxQueuedChars;
  private final ArrayDeque<String> waiting = new ArrayDeque<>();
  private long queuedChars;
  private boolean writing;
  private boolean closed;
  private boolean finished;
  private Runnable afterLast; // what finish() asked for once the queue is empty

  SendQueue(WebSocket socket, long maxQueuedChars) {
    this.socket = socket;
    this.maxQueuedChars = maxQueuedChars;
  }

  /**
   * Queues {@code text} behind the messages already waiting.
   *
   * @return false, queueing nothing, when the queue is closed or the text would take it over its
   *     limit
   */
  boolean offer(String text) {
    synchronized (this) {
      if (closed || queuedChars + text.length() > maxQueuedChars) {
        return false;
      }
      queuedChars += text.length();
      waiting.add(text);
      if (writing) {
        return true; // the write in progress continues with this one
      }
      writing = true;
    }
    writeWaiting();
    return true;
  }

  /**
   * Takes no more messages, and runs {@code last} (the close frame) once the messages already
   * queued were written: at once when none wait.
   */
  void finish(Runnable last) {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
      closed = true;
      if (writing) {
        afterLast = last;
        return;
      }
    }
    last.run();
  }

  /** Drops what waits; later offers return false. */
  synchronized void close() {
    closed = true;
    waiting.clear();
    queuedChars = 0;
    afterLast = null;
  }

  /**
   * Writes messages until the queue is empty or a write does not complete at once; that write's
   * completion continues. A loop rather than recursion: writes to a socket with room complete
   * synchronously, and a long backlog would otherwise grow the stack.
   */
  private void writeWaiting() {
    while (true) {
      String next;
      Runnable last;
      synchronized (this) {
        next = waiting.peek();
        last = afterLast;
        if (next == null) {
          writing = false;
          afterLast = null;
        }
      }
      if (next == null) {
        if (last != null) {
          last.run();
        }
        return;
      }
      CompletableFuture<WebSocket> write = socket.sendText(next, true);
      if (!write.isDone()) {
        write.whenComplete((ws, error) -> {
          if (written(next, error)) {
            writeWaiting();
          }
        });
        return;
      }
      if (!written(next, write.isCompletedExceptionally() ? new IllegalStateException("write failed") : null)) {
        return;
      }
    }
  }

  /** Takes a written message off the queue; false when the write failed and the queue closed. */
  private synchronized boolean written(String text, Throwable error) {
    if (error != null) {
      closed = true;
      waiting.clear();
      queuedChars = 0;
      writing = false;
      return false;
    }
    if (waiting.peek() == text) {
      waiting.poll();
      queuedChars -= text.length();
    }
    return true;
  }
}
