package dev.signaling.core.internal;

import dev.signaling.core.RegistrationAuthenticator;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.Ticker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the application's {@link RegistrationAuthenticator} so that it cannot be turned into a
 * denial of service: registers are rate-limited per remote address (and per connection, in its
 * {@link InboundGate}) before it runs, and it runs on a small pool of its own with a bounded
 * queue, never on a transport's thread, so that signature checks never delay other connections'
 * reads, writes, pings or pongs. With {@link RegistrationAuthenticator#ALLOW_ALL} none of this
 * exists: registers are accepted where they arrive.
 */
final class Authentications {

  private static final Logger log = LoggerFactory.getLogger(Authentications.class);

  /** Checks waiting for a thread at most; a register beyond gets {@code rate limit exceeded}. */
  static final int QUEUE = 256;
  /** Threads that run checks: half the cores, at least one, at most four. */
  static final int THREADS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));

  private final RegistrationAuthenticator authenticator;
  private final SignalingConfig config;
  private final Ticker ticker;
  private final ThrottledWarning failed;
  /** Null with ALLOW_ALL. */
  private final ThreadPoolExecutor pool;
  /**
   * Register buckets per remote address. An entry is dropped once its bucket is full again (it
   * remembers nothing then), so there are at most as many as addresses that registered within
   * one burst's refill time.
   */
  private final ConcurrentHashMap<InetAddress, TokenBucket> perAddress = new ConcurrentHashMap<>();

  Authentications(SignalingConfig config) {
    this.authenticator = config.authenticator();
    this.config = config;
    this.ticker = config.ticker();
    this.failed = new ThrottledWarning(log, ticker);
    if (authenticator == RegistrationAuthenticator.ALLOW_ALL) {
      pool = null;
    } else {
      AtomicInteger names = new AtomicInteger();
      pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), runnable -> {
        Thread thread = new Thread(runnable, "signaling-authenticator-" + names.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      });
      pool.allowCoreThreadTimeOut(true); // an idle server keeps no thread
    }
  }

  /** Whether registers are checked at all (an authenticator other than ALLOW_ALL is set). */
  boolean checks() {
    return pool != null;
  }

  /** Takes one register of this remote address through its limit; true when there is no address. */
  boolean admitAddress(InetSocketAddress remote) {
    if (remote == null || remote.getAddress() == null || !config.registerLimitPerAddress().isOn()) {
      return true;
    }
    TokenBucket bucket = perAddress.computeIfAbsent(remote.getAddress(),
        a -> new TokenBucket(ticker, config.registerLimitPerAddress()));
    synchronized (bucket) {
      return bucket.tryTake();
    }
  }

  /** Forgets the addresses whose bucket is full again. */
  void prune() {
    perAddress.forEach((address, bucket) -> {
      synchronized (bucket) {
        if (bucket.isFull()) {
          perAddress.remove(address, bucket);
        }
      }
    });
  }

  /**
   * Queues the check of a register of {@code session}; {@code outcome} then runs on the pool's
   * thread with the verdict, then the session handles what waited behind the register. A failure
   * on the way (an {@link Error} the authenticator throws) is that connection's, as if met on its
   * own thread.
   *
   * @return false if the queue is full (or the hub closed): nothing will run
   */
  boolean check(Session session, RegistrationRequest request, Consumer<Boolean> outcome) {
    try {
      pool.execute(() -> {
        try {
          outcome.accept(authenticated(request));
          session.checked();
        } catch (RuntimeException | Error e) {
          session.failed(e);
        }
      });
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private boolean authenticated(RegistrationRequest request) {
    try {
      return authenticator.authenticate(request);
    } catch (RuntimeException e) {
      failed.log("Authenticator threw for a register on connection {}; refusing it", request.connection().id(), e);
      return false;
    }
  }

  /** Stops the pool; checks still queued are dropped (their connections are being closed). */
  void shutdown() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
