package dev.signaling.core.spi;

import dev.signaling.core.SignalingConfig;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection caps a transport enforces at the WebSocket upgrade, before the hub sees the
 * connection: at most {@link SignalingConfig#maxConnections()} open connections in all, at most
 * {@link SignalingConfig#maxConnectionsPerAddress()} from one remote address, and none once the
 * server is shutting down. Every transport uses this class, so all answer alike.
 *
 * <pre>{@code
 * ConnectionSlots.Admission admission = slots.tryAcquire(remoteAddress);
 * if (admission instanceof ConnectionSlots.Refusal refusal) {
 *   // answer the upgrade with refusal.status() and refusal.body(), then close
 * } else {
 *   ConnectionSlots.Slot slot = (ConnectionSlots.Slot) admission;  // close() it when the connection ends
 * }
 * }</pre>
 *
 * <p>Thread-safe. Memory: one small entry per remote address that holds a slot.
 */
public final class ConnectionSlots {

  /** The answer to an upgrade over {@link SignalingConfig#maxConnections()}. */
  public static final Refusal TOO_MANY_CONNECTIONS =
      new Refusal(503, "Service Unavailable", "{\"error\":\"too many connections\"}");

  /** The answer to an upgrade over {@link SignalingConfig#maxConnectionsPerAddress()}. */
  public static final Refusal TOO_MANY_FROM_ADDRESS =
      new Refusal(429, "Too Many Requests", "{\"error\":\"too many connections from this address\"}");

  /** The answer to an upgrade while the server shuts down. */
  public static final Refusal SHUTTING_DOWN =
      new Refusal(503, "Service Unavailable", "{\"error\":\"shutting down\"}");

  private final int maxTotal;
  private final int maxPerAddress;
  private final AtomicInteger total = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /**
   * The caps of {@code config}.
   *
   * @param config where the caps come from
   */
  public ConnectionSlots(SignalingConfig config) {
    this(config.maxConnections(), config.maxConnectionsPerAddress());
  }

  /**
   * Explicit caps.
   *
   * @param maxTotal connections in all, at least 1
   * @param maxPerAddress connections from one address, {@code 0} for no cap
   */
  public ConnectionSlots(int maxTotal, int maxPerAddress) {
    if (maxTotal <= 0 || maxPerAddress < 0) {
      throw new IllegalArgumentException("caps must be > 0 (per address >= 0): " + maxTotal + ", " + maxPerAddress);
    }
    this.maxTotal = maxTotal;
    this.maxPerAddress = maxPerAddress;
  }

  /**
   * Takes a slot for a connection from {@code address}, or says why not.
   *
   * @param address the peer's address; {@code null} when the transport has none (then only the
   *     total cap applies)
   * @return a {@link Slot} to close when the connection ends, or a {@link Refusal}
   */
  public Admission tryAcquire(InetAddress address) {
    if (closed) {
      return SHUTTING_DOWN;
    }
    int current;
    do {
      current = total.get();
      if (current >= maxTotal) {
        return TOO_MANY_CONNECTIONS;
      }
    } while (!total.compareAndSet(current, current + 1));
    if (address != null && maxPerAddress > 0) {
      boolean[] granted = {false};
      perAddress.compute(address, (a, held) -> {
        int n = held == null ? 0 : held;
        if (n >= maxPerAddress) {
          return held;
        }
        granted[0] = true;
        return n + 1;
      });
      if (!granted[0]) {
        total.decrementAndGet();
        return TOO_MANY_FROM_ADDRESS;
      }
    } else {
      address = null; // nothing to give back per address
    }
    return new Slot(address);
  }

  /** Refuses every later upgrade with {@link #SHUTTING_DOWN}; slots already held stay valid. */
  public void close() {
    closed = true;
  }

  /**
   * Slots held now.
   *
   * @return the number of slots held
   */
  public int held() {
    return total.get();
  }

  /**
   * Slots held now by connections from {@code address}, when there is a per-address cap.
   *
   * @param address a remote address
   * @return the number of slots it holds ({@code 0} without a per-address cap)
   */
  public int heldBy(InetAddress address) {
    Integer n = perAddress.get(address);
    return n == null ? 0 : n;
  }

  private void release(InetAddress address) {
    if (address != null) {
      perAddress.computeIfPresent(address, (a, held) -> held <= 1 ? null : held - 1);
    }
    total.decrementAndGet();
  }

  /** What {@link #tryAcquire} answers: a {@link Slot} or a {@link Refusal}. */
  public sealed interface Admission permits Slot, Refusal {}

  /** A connection's place, held until {@link #close()}. */
  public final class Slot implements Admission, AutoCloseable {
    private final InetAddress address;
    private final AtomicBoolean released = new AtomicBoolean();

    private Slot(InetAddress address) {
      this.address = address;
    }

    /** Gives the slot back; idempotent. */
    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        release(address);
      }
    }
  }

  /**
   * Why an upgrade is refused, as the HTTP answer every transport sends: this status and reason
   * phrase, a JSON body, {@code Content-Length} and {@code Connection: close}.
   *
   * @param status the HTTP status, {@code 503} or {@code 429}
   * @param reasonPhrase its reason phrase
   * @param body the JSON body, e.g. {@code {"error":"too many connections"}}
   */
  public record Refusal(int status, String reasonPhrase, String body) implements Admission {}
}
