package dev.signaling.client;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs a {@link SignalingClient}: its event thread, the current {@link ServerLink}, the
 * {@link Reconnection} state machine, and the registration that the application may wait for.
 * Everything that changes state runs on the event thread, one task at a time; the links' reports
 * are posted there. It reports to {@link Callbacks} on that thread.
 */
final class ClientEngine implements ServerLink.Events {

  /** What the engine reports, on the event thread, in order. */
  interface Callbacks {
    void registered();

    void registerFailed(RegisterRefusal refusal);

    void message(ServerMessage message);

    void disconnected(Disconnect disconnect);

    void closed();
  }

  /** Characters that may wait unsent on a connection before a send is refused. */
  static final long MAX_QUEUED_CHARS = 16L * 1024 * 1024;

  /** How long {@link #close()} waits for each step: the close handshake, then the event thread. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(ClientEngine.class);
  private static final AtomicInteger CLIENT_NUMBERS = new AtomicInteger();
  private static final int NORMAL = 1000;

  private final ClientSettings settings;
  private final Callbacks callbacks;
  private final Reconnection machine;
  private final ScheduledThreadPoolExecutor events;
  private final ExecutorService io;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile HttpClient http;
  private volatile Thread eventThread;
  private volatile ServerLink current;
  private volatile ServerLink registeredLink;
  private volatile List<Participant> participants = List.of();
  private volatile CompletableFuture<Void> registration = new CompletableFuture<>();
  private boolean terminated; // event thread only

  ClientEngine(ClientSettings settings, Callbacks callbacks) {
    this.settings = settings;
    this.callbacks = callbacks;
    this.machine = new Reconnection(settings.backoff(), settings.jitter());
    int number = CLIENT_NUMBERS.incrementAndGet();
    String name = "signaling-client-" + number + "-" + settings.nodeId();
    ThreadFactory threads = settings.threadFactory() != null ? settings.threadFactory() : daemon(name, false);
    this.events = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = threads.newThread(runnable);
      eventThread = thread;
      return thread;
    });
    // close() shuts the executor down: a pending reconnect, heartbeat or ping must not run after it.
    events.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    events.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    events.setRemoveOnCancelPolicy(true);
    if (settings.httpClient() != null) {
      this.io = null;
      this.http = settings.httpClient();
    } else {
      this.io = Executors.newCachedThreadPool(daemon(name + "-io", true));
      HttpClient.Builder builder = HttpClient.newBuilder().executor(io).connectTimeout(settings.connectTimeout());
      if (settings.sslContext() != null) {
        builder.sslContext(settings.sslContext());
      }
      this.http = builder.build();
    }
  }

  /** Starts connecting in the background, and the heartbeat and ping timers. */
  void start() {
    post(this::openConnection);
    every(settings.heartbeatInterval(), () -> send(ClientCodec.heartbeat()));
    every(settings.pingInterval(), this::ping);
  }

  ClientState state() {
    return machine.state();
  }

  List<Participant> participants() {
    return participants;
  }

  /** Completes at the current registration or the next; fails when the client stops first. */
  CompletableFuture<Void> registration() {
    return registration;
  }

  /** Hands {@code text} to the registered connection; false when there is none or it is full. */
  boolean send(String text) {
    ServerLink link = registeredLink;
    return link != null && link.send(text);
  }

  /**
   * Stops for good: closes the connection with {@code 1000} (waiting a bounded time for the close
   * handshake), delivers the remaining callbacks ending with {@link Callbacks#closed()}, and stops
   * the threads. Idempotent; from outside the event thread, returns once that thread ended.
   */
  void close() {
    if (stopped.compareAndSet(false, true)) {
      machine.close();
      ServerLink link = current;
      if (link != null) {
        link.close(NORMAL, "client closed");
        awaitEndOrAbort(link);
      }
      post(() -> terminate("the client was closed"));
      events.shutdown();
    }
    if (Thread.currentThread() != eventThread) {
      try {
        if (!events.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("Client {}: a callback still runs after close(); not waiting for it", settings.nodeId());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    releaseHttp();
  }

  @Override
  public void opened(ServerLink link) {
    post(() -> {
      if (link != current || !machine.opened()) {
        return;
      }
      String register;
      try {
        String auth = settings.auth() == null ? null : settings.auth().authJson(settings.nodeId());
        register = ClientCodec.register(settings.nodeId(), settings.username(), settings.publicKey(),
            settings.encryptionKey(), auth);
      } catch (RuntimeException e) {
        log.warn("Client {}: the auth supplier failed; no register sent", settings.nodeId(), e);
        link.abort(NORMAL, "no register sent: the auth supplier failed: " + e);
        return;
      }
      link.send(register); // before registeredLink is set: always the first message
    });
  }

  @Override
  public void received(ServerLink link, String text) {
    post(() -> {
      if (link != current) {
        return; // a late message of a connection already ended
      }
      ClientCodec.decode(text).ifPresentOrElse(
          message -> message.accept(new Inbound(link)),
          () -> log.debug("Client {}: ignoring a message it cannot read", settings.nodeId()));
      if (link == current) {
        link.next(); // not after a refusal: that link is closing
      }
    });
  }

  @Override
  public void ended(ServerLink link, int code, String reason, boolean remote) {
    post(() -> {
      if (link != current) {
        return;
      }
      forget(link);
      Duration delay = machine.ended(code);
      deliver(() -> callbacks.disconnected(new Disconnect(code, reason, remote, delay)));
      next(delay, "the connection ended: " + code + (reason.isEmpty() ? "" : " " + reason));
    });
  }

  private void openConnection() {
    if (stopped.get() || !machine.connecting()) {
      return;
    }
    ServerLink link = new ServerLink(this, MAX_QUEUED_CHARS, settings.maxMessageChars());
    current = link;
    // close() sets stopped before reading current, this method the other way round: one of the
    // two sees the other, so a connection made during close() is never left open.
    if (stopped.get()) {
      current = null;
      return;
    }
    link.open(http, settings.uri(), settings.headers(), settings.connectTimeout());
  }

  private void registered(ServerLink link, ParticipantList list) {
    participants = list.participants();
    if (registeredLink == link || !list.contains(settings.nodeId()) || !machine.registered()) {
      return;
    }
    registeredLink = link;
    registration.complete(null);
    deliver(callbacks::registered);
  }

  private void refused(ServerLink link, String error) {
    forget(link);
    Duration delay = machine.refused(error);
    deliver(() -> callbacks.registerFailed(new RegisterRefusal(error, delay != null)));
    link.close(NORMAL, "register refused");
    if (delay == null) {
      awaitEndOrAbort(link); // the client stops: its threads must not end before the close handshake
    } else {
      schedule(() -> link.abort(NORMAL, "register refused"), CLOSE_WAIT); // if the server does not answer
    }
    deliver(() -> callbacks.disconnected(new Disconnect(NORMAL, "register refused: " + error, false, delay)));
    next(delay, "register refused: " + error);
  }

  /** The link is no longer the current one: nothing sends on it, and nothing it says counts. */
  private void forget(ServerLink link) {
    current = null;
    participants = List.of();
    if (registeredLink == link) {
      registeredLink = null;
      registration = new CompletableFuture<>();
    }
  }

  private void next(Duration delay, String why) {
    if (delay != null) {
      schedule(this::openConnection, delay);
    } else if (stopped.compareAndSet(false, true)) {
      terminate(why);
      events.shutdown();
      releaseHttp();
    }
  }

  private void terminate(String why) {
    ServerLink link = current;
    if (link != null) {
      link.abort(NORMAL, "client closed");
    }
    if (registration.isDone()) {
      registration = new CompletableFuture<>(); // a registration of the past: awaitRegistered says false
    }
    registration.completeExceptionally(new SignalingClientException("client stopped: " + why));
    deliver(callbacks::closed);
    terminated = true;
  }

  private void ping() {
    ServerLink link = current;
    if (link != null && !link.ping()) {
      link.abort(1006, "no answer to ping within " + settings.pingInterval());
    }
  }

  private void awaitEndOrAbort(ServerLink link) {
    try {
      if (link.awaitEnd(CLOSE_WAIT)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    link.abort(NORMAL, "client closed");
  }

  /** Lets the HTTP client go: its threads end (JDK 17's HTTP client has no close of its own). */
  private void releaseHttp() {
    if (io != null) {
      io.shutdown();
      http = null;
    }
  }

  private void deliver(Runnable callback) {
    if (terminated) {
      return;
    }
    try {
      callback.run();
    } catch (RuntimeException e) {
      log.error("Client {}: a listener callback threw; ignored", settings.nodeId(), e);
    }
  }

  private void post(Runnable task) {
    try {
      events.execute(task);
    } catch (RejectedExecutionException e) {
      // Stopped: nothing more is delivered.
    }
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      events.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // Stopped.
    }
  }

  private void every(Duration interval, Runnable task) {
    if (!interval.isZero()) {
      long nanos = interval.toNanos();
      events.scheduleAtFixedRate(task, nanos, nanos, TimeUnit.NANOSECONDS);
    }
  }

  private static ThreadFactory daemon(String name, boolean numbered) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, numbered ? name + "-" + count.incrementAndGet() : name);
      thread.setDaemon(true);
      return thread;
    };
  }

  /** What the current connection's messages mean: a register's answer, or news for the application. */
  private final class Inbound implements ServerMessage.Visitor<Void> {
    private final ServerLink link;

    Inbound(ServerLink link) {
      this.link = link;
    }

    @Override
    public Void participants(ParticipantList message) {
      registered(link, message);
      return forward(message);
    }

    @Override
    public Void error(ServerError message) {
      if (machine.state() == ClientState.REGISTERING) {
        refused(link, message.error()); // the register is the only message sent so far
        return null;
      }
      return forward(message);
    }

    @Override
    public Void presence(Presence message) {
      return forward(message);
    }

    @Override
    public Void heartbeat(Heartbeat message) {
      return forward(message);
    }

    @Override
    public Void roleAssign(RoleAssignment message) {
      return forward(message);
    }

    @Override
    public Void signal(Signal message) {
      return forward(message);
    }

    private Void forward(ServerMessage message) {
      deliver(() -> callbacks.message(message));
      return null;
    }
  }
}
