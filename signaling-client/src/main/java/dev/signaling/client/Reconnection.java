package dev.signaling.client;

import java.time.Duration;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * The client's state machine: which {@link ClientState} it is in, and whether and when it
 * connects again after a connection ends or a register is refused. No threads and no I/O: the
 * client's event thread drives it, one event at a time, and any thread may read {@link #state()}.
 *
 * <p>Failed attempts (connections that ended before a registration, refused registers) make the
 * backoff grow; a registration starts it over. Two ends are final: a close with {@value
 * #REPLACED} (another connection registered this nodeId: reconnecting would take it back, and the
 * two would replace each other forever), and a refusal whose error text says that the same
 * register would be refused again ({@link #retries(String)}; the table is in {@code
 * docs/client.md}).
 *
 * <p>The event thread drives it; {@link #close()} may come from any thread, hence the locks.
 */
final class Reconnection {

  /** The close code of a connection replaced by a newer registration of its nodeId. */
  static final int REPLACED = 4001;

  /**
   * Refusals that a new attempt cannot change: the same register gets the same answer. {@code
   * unauthorized} is among them because the client holds one set of credentials; retrying a
   * wrong key or a revoked token only adds load to the server.
   */
  private static final Set<String> FINAL_REFUSALS = Set.of(
      "unauthorized",
      "field too long",
      "invalid key",
      "missing nodeId or username",
      "invalid JSON",
      "invalid message",
      "unknown type");

  /** Enough for any backoff to reach its cap; keeps the count from overflowing. */
  private static final int MAX_COUNTED_ATTEMPTS = 1_000;

  private final Backoff backoff;
  private final DoubleSupplier jitter;
  private volatile ClientState state = ClientState.CONNECTING;
  private int failedAttempts;

  /**
   * @param backoff the delays between attempts, or {@code null} for no reconnection
   * @param jitter values in {@code [0, 1)} that pick each delay's jitter
   */
  Reconnection(Backoff backoff, DoubleSupplier jitter) {
    this.backoff = backoff;
    this.jitter = jitter;
  }

  /**
   * Whether a register refused with {@code error} is tried again (when reconnection is on).
   * Known texts that a new attempt cannot change are final; every other text is retried, since
   * a lost connection would be too and the backoff bounds the cost.
   */
  static boolean retries(String error) {
    return !FINAL_REFUSALS.contains(error);
  }

  ClientState state() {
    return state;
  }

  /** A connection attempt starts; false (and nothing changes) once closed. */
  synchronized boolean connecting() {
    return move(ClientState.CONNECTING);
  }

  /** The WebSocket opened and the register went out. */
  synchronized boolean opened() {
    return move(ClientState.REGISTERING);
  }

  /** The server listed this node: the next loss starts the backoff from its first delay. */
  synchronized boolean registered() {
    if (!move(ClientState.REGISTERED)) {
      return false;
    }
    failedAttempts = 0;
    return true;
  }

  /**
   * The server refused the register with {@code error}.
   *
   * @return the delay before the next attempt, or {@code null} when the client stops
   */
  synchronized Duration refused(String error) {
    return retries(error) ? retryLater() : stop();
  }

  /**
   * The connection ended (or could not be opened) with close code {@code code}.
   *
   * @return the delay before the next attempt, or {@code null} when the client stops
   */
  synchronized Duration ended(int code) {
    return code == REPLACED ? stop() : retryLater();
  }

  /** The application closed the client, or it stopped for another reason. Final. */
  synchronized void close() {
    state = ClientState.CLOSED;
  }

  private Duration retryLater() {
    if (backoff == null || state == ClientState.CLOSED) {
      return stop();
    }
    Duration delay = backoff.delay(failedAttempts, jitter.getAsDouble());
    failedAttempts = Math.min(failedAttempts + 1, MAX_COUNTED_ATTEMPTS);
    state = ClientState.WAITING;
    return delay;
  }

  private Duration stop() {
    state = ClientState.CLOSED;
    return null;
  }

  private boolean move(ClientState next) {
    if (state == ClientState.CLOSED) {
      return false;
    }
    state = next;
    return true;
  }
}
