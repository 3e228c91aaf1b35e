package dev.signaling.core.spi;

import dev.signaling.core.SignalingConfig;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide budget for bytes held in messages still being received ({@link
 * SignalingConfig#maxTotalPartialBytes()}). A transport opens one {@link Account} per connection
 * and reserves what it buffers before the message is complete: the bytes of a frame that has not
 * all arrived (what arrived, never what its header announces) and, for a fragmented message, each
 * fragment's payload plus {@link #FRAGMENT_OVERHEAD_BYTES}. It releases them when the message is
 * handed to the hub or dropped. The same per-fragment charge counts against {@link
 * SignalingConfig#maxMessageBytes()}, so a message of empty or tiny fragments is closed with
 * {@code 1009} long before it costs memory.
 *
 * <p>When a reservation passes the budget, the accounts holding the most are shed, largest first,
 * until the total fits again: each is marked shed, its bytes no longer count, and its {@code shed}
 * callback runs (the transport closes that connection with {@code 1009}). A small honest
 * connection is never shed while a larger one holds bytes. Thread-safe; reserving and releasing
 * are two atomic additions, and only a reservation over the budget walks the accounts.
 */
public final class InboundBudget {

  /**
   * What each fragment of a fragmented message costs beyond its payload, against the budget and
   * the message size limit: about what a transport keeps per fragment (a buffer and its frame),
   * rounded up.
   */
  public static final int FRAGMENT_OVERHEAD_BYTES = 128;

  /**
   * The reason of a close {@code 1009} for a message over {@code maxMessageBytes}: the original
   * server's (its library's), which clients may show.
   */
  public static final String TOO_BIG_REASON = "Payload limit reached.";

  /** The reason of a close {@code 1009} for a connection shed because the budget is full. */
  public static final String OVER_BUDGET_REASON = "inbound budget exceeded";

  private final long maxBytes;
  private final AtomicLong total = new AtomicLong();
  private final Set<Account> accounts = ConcurrentHashMap.newKeySet();
  private final Object shedding = new Object();

  /**
   * The budget of {@code config}.
   *
   * @param config where the budget comes from ({@link SignalingConfig#maxTotalPartialBytes()})
   */
  public InboundBudget(SignalingConfig config) {
    this(config.maxTotalPartialBytes());
  }

  /**
   * An explicit budget.
   *
   * @param maxBytes bytes all accounts together may hold, at least 1
   */
  public InboundBudget(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("maxBytes must be > 0: " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  /**
   * Opens the account of one connection.
   *
   * @param shed called at most once, when this connection must be dropped to keep the budget: it
   *     must close the connection ({@code 1009}) without blocking; it may run on any thread that
   *     reserves
   * @return the connection's account; close it when the connection ends
   */
  public Account open(Runnable shed) {
    Account account = new Account(Objects.requireNonNull(shed, "shed"));
    accounts.add(account);
    return account;
  }

  /**
   * Bytes held now by all accounts.
   *
   * @return the bytes held
   */
  public long held() {
    return total.get();
  }

  /**
   * The budget.
   *
   * @return the bytes all accounts together may hold
   */
  public long maxBytes() {
    return maxBytes;
  }

  private void overBudget() {
    synchronized (shedding) {
      while (total.get() > maxBytes) {
        Account largest = null;
        long most = 0;
        for (Account a : accounts) {
          long h = a.held.get();
          if (h > most) {
            most = h;
            largest = a;
          }
        }
        if (largest == null) {
          return; // reservations raced with releases: nothing is held any more
        }
        largest.shed();
      }
    }
  }

  /** One connection's share of the budget. */
  public final class Account implements AutoCloseable {
    private final Runnable onShed;
    private final AtomicLong held = new AtomicLong();
    private final AtomicBoolean shed = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Account(Runnable onShed) {
      this.onShed = onShed;
    }

    /**
     * Reserves {@code bytes} more for this connection's partial message.
     *
     * @param bytes how many more bytes it holds
     * @return {@code false} if this connection was shed (now or earlier): the caller stops
     *     buffering, its connection is being closed. After {@link #close()} nothing is counted
     *     and the answer is {@code true}: the connection ended for its own reason, which a shed
     *     must not overwrite, and what its reader still holds goes with it
     */
    public boolean reserve(long bytes) {
      if (bytes < 0) {
        throw new IllegalArgumentException("bytes must be >= 0: " + bytes);
      }
      if (shed.get()) {
        return false;
      }
      if (closed.get()) {
        return true;
      }
      held.addAndGet(bytes);
      if (total.addAndGet(bytes) > maxBytes) {
        overBudget();
      }
      if (closed.get()) {
        releaseAll(); // closed while reserving: the close's own release may have run before ours
        return true;
      }
      return !shed.get();
    }

    /**
     * Gives back {@code bytes} (at most what is held).
     *
     * @param bytes how many bytes it no longer holds
     */
    public void release(long bytes) {
      long released;
      long h;
      do {
        h = held.get();
        released = Math.min(h, bytes);
      } while (!held.compareAndSet(h, h - released));
      total.addAndGet(-released);
    }

    /** Gives back everything this account holds. */
    public void releaseAll() {
      total.addAndGet(-held.getAndSet(0));
    }

    /**
     * Bytes this account holds now.
     *
     * @return the bytes held
     */
    public long held() {
      return held.get();
    }

    /**
     * Whether this account was shed.
     *
     * @return {@code true} once shed
     */
    public boolean isShed() {
      return shed.get();
    }

    /** Releases everything and forgets the account (the connection ended). Idempotent. */
    @Override
    public void close() {
      closed.set(true);
      accounts.remove(this);
      releaseAll();
    }

    private void shed() {
      if (shed.compareAndSet(false, true)) {
        accounts.remove(this);
        releaseAll();
        onShed.run();
      }
    }
  }
}
