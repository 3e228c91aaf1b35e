package dev.signaling.examples;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * One demo client on the JDK's WebSocket: sends frames and waits, with a timeout, for a received
 * message that matches. Every complete text message it receives is kept, in order.
 *
 * <p>Failures surface as {@link IllegalStateException} with a message fit for the console: the
 * demo has nothing to recover, it reports and stops.
 */
final class Peer implements AutoCloseable {

  private final String nodeId;
  private final Duration timeout;
  private final WebSocket socket;
  private final Receiver receiver = new Receiver();

  private Peer(String nodeId, Duration timeout, HttpClient http, URI server) {
    this.nodeId = nodeId;
    this.timeout = timeout;
    this.socket =
        get(
            http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(server, receiver),
            "connect to " + server);
  }

  /** Opens a connection to {@code server}; nothing is sent yet. */
  static Peer connect(String nodeId, URI server, HttpClient http, Duration timeout) {
    return new Peer(nodeId, timeout, http, server);
  }

  String nodeId() {
    return nodeId;
  }

  /** Sends one text message and waits until the JDK has handed it to the socket. */
  void send(String text) {
    // The JDK WebSocket allows one outstanding send at a time; waiting keeps that simple.
    get(socket.sendText(text, true), "send as " + nodeId);
  }

  /**
   * The first received message (counting those already received) that matches, waiting up to the
   * timeout.
   *
   * @param what what is awaited, for the failure message
   * @throws IllegalStateException on timeout, on an {@code error} from the server, or when the
   *     connection closes first
   */
  String await(String what, Predicate<JsonObject> matches) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (receiver) {
      int checked = 0;
      while (true) {
        for (; checked < receiver.messages.size(); checked++) {
          String text = receiver.messages.get(checked);
          JsonObject message = parse(text);
          if (message != null && matches.test(message)) {
            return text;
          }
          if (message != null && "error".equals(string(message, "type"))) {
            throw new IllegalStateException(
                nodeId + " got an error from the server while waiting for " + what + ": " + text);
          }
        }
        if (receiver.closed != null) {
          throw new IllegalStateException(
              nodeId + "'s connection closed while waiting for " + what + ": " + receiver.closed);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              nodeId + " timed out after " + timeout.toMillis() + " ms waiting for " + what);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(receiver, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(nodeId + " interrupted while waiting for " + what, e);
        }
      }
    }
  }

  /** Every complete message received so far, in order. */
  List<String> received() {
    synchronized (receiver) {
      return List.copyOf(receiver.messages);
    }
  }

  /**
   * Closes with {@code 1000} and waits for the server's close; gives up the connection abruptly
   * if that takes longer than the timeout, so a misbehaving server cannot hang the demo.
   */
  @Override
  public void close() {
    try {
      long millis = timeout.toMillis();
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(millis, TimeUnit.MILLISECONDS);
      receiver.closeReceived.get(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      socket.abort();
    } catch (ExecutionException | TimeoutException e) {
      socket.abort();
    }
  }

  /** The string field {@code name} of {@code object}, or {@code null}. */
  static String string(JsonObject object, String name) {
    JsonElement e = object.get(name);
    boolean isString = e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    return isString ? e.getAsString() : null;
  }

  /** The message as a JSON object, or {@code null} when it is not one. */
  static JsonObject parse(String text) {
    try {
      JsonElement e = JsonParser.parseString(text);
      return e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (JsonSyntaxException e) {
      return null;
    }
  }

  private <T> T get(CompletableFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause instanceof IOException ? describe(cause) : String.valueOf(cause);
      throw new IllegalStateException("cannot " + what + ": " + why, cause);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms: " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    }
  }

  private static String describe(Throwable t) {
    // ConnectException from the JDK client has a null message; its class name says enough.
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /**
   * Collects messages from the JDK's listener thread. It guards its own state and wakes waiters,
   * since the demo thread reads what the listener thread writes.
   */
  private static final class Receiver implements WebSocket.Listener {
    private final List<String> messages = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Void> closeReceived = new CompletableFuture<>();
    private String closed;

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      synchronized (this) {
        // A large message may come in fragments; only a complete one is a protocol message.
        partial.append(data);
        if (last) {
          messages.add(partial.toString());
          partial.setLength(0);
          notifyAll();
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      ended("code " + statusCode + (reason.isEmpty() ? "" : " " + reason));
      closeReceived.complete(null);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      ended(describe(error));
      closeReceived.complete(null);
    }

    private synchronized void ended(String why) {
      closed = why;
      notifyAll();
    }
  }
}
