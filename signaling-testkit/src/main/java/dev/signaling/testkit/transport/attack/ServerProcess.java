package dev.signaling.testkit.transport.attack;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.Ed25519Authenticator;
import dev.signaling.core.RunningServer;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.SignalingMetrics;
import dev.signaling.core.spi.ServerBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The child's side of a {@link ForkedServer}: a transport's main class calls {@link #serve} with
 * its server's builder ({@code ServerProcess.serve(args, SignalingServer::builder)}), and this
 * class does the rest: it turns the {@code key=value}
 * arguments into a {@link SignalingConfig}, starts the server, prints {@code READY <port>} and
 * answers commands on standard input until {@code quit} or end of input: {@code heap}, {@code
 * connections}, {@code await-connections <at most> <millis>} (waits until the hub has at most that
 * many connections, then answers as {@code connections}), {@code closes} (the hub's count of
 * closes by code), {@code metrics} (bytes received and sent, errors sent by text), {@code quit}.
 *
 * <p>Settings (each optional; durations as {@code 300ms} or {@code 2s}): {@code maxMessageBytes},
 * {@code maxConnections}, {@code maxConnectionsPerAddress}, {@code maxTotalPartialBytes}, {@code
 * maxQueuedBytes}, {@code maxTotalQueuedBytes}, {@code handshakeTimeout}, {@code pingInterval},
 * {@code registerTimeout}, {@code membershipInterval}, {@code rateLimit} ({@code perSecond/burst},
 * or {@code off}), {@code auth} ({@code ed25519}: {@link Ed25519Authenticator} with a 60 s skew),
 * {@code ed25519Remembered} (the nodeIds it remembers, 100,000 unless set).
 */
public final class ServerProcess {

  private ServerProcess() {}

  /**
   * Starts a server on {@code 127.0.0.1}, on an ephemeral port, from the builder that {@code
   * builder} gives, with the settings in {@code args}, then serves commands.
   *
   * @param args the settings, as {@code key=value}
   * @param builder the transport's builder (with whatever else the server needs, e.g. a cluster)
   * @throws IOException if standard input fails
   */
  public static void serve(String[] args, Supplier<? extends ServerBuilder<?, ?>> builder) throws IOException {
    Object connectionsChanged = new Object();
    SignalingListener listener = new SignalingListener() {
      @Override
      public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
        synchronized (connectionsChanged) {
          connectionsChanged.notifyAll();
        }
      }
    };
    RunningServer server = builder.get().host("127.0.0.1").port(0).config(config(args)).listener(listener).start();
    System.out.println("READY " + server.port());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] words = line.trim().split(" ");
        switch (words[0]) {
          case "heap" -> System.out.println("HEAP " + heapAfterGc());
          case "connections" -> System.out.println("CONNECTIONS " + server.hub().connectionCount());
          case "await-connections" -> {
            int atMost = Integer.parseInt(words[1]);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.parseLong(words[2]));
            synchronized (connectionsChanged) {
              while (server.hub().connectionCount() > atMost && System.nanoTime() < deadline) {
                TimeUnit.NANOSECONDS.timedWait(connectionsChanged, deadline - System.nanoTime());
              }
            }
            System.out.println("CONNECTIONS " + server.hub().connectionCount());
          }
          case "closes" -> System.out.println("CLOSES " + server.hub().metrics().closes());
          case "metrics" -> {
            SignalingMetrics m = server.hub().metrics();
            System.out.println("METRICS " + m.bytesIn() + " " + m.bytesOut() + " " + m.errors());
          }
          case "quit" -> {
            return;
          }
          default -> System.out.println("UNKNOWN " + line);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
      System.out.println("BYE");
      System.exit(0); // a wedged server's threads must not keep the child alive
    }
  }

  private static long heapAfterGc() {
    // Twice: objects with finalizers or references queued by the first need a second pass.
    System.gc();
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  /** The configuration that {@code key=value} arguments describe. */
  public static SignalingConfig config(String[] args) {
    SignalingConfig.Builder b = SignalingConfig.builder();
    String auth = null;
    int remembered = 100_000;
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("not key=value: " + arg);
      }
      String key = arg.substring(0, eq);
      String value = arg.substring(eq + 1);
      switch (key) {
        case "maxMessageBytes" -> b.maxMessageBytes(Integer.parseInt(value));
        case "maxConnections" -> b.maxConnections(Integer.parseInt(value));
        case "maxConnectionsPerAddress" -> b.maxConnectionsPerAddress(Integer.parseInt(value));
        case "maxTotalPartialBytes" -> b.maxTotalPartialBytes(Long.parseLong(value));
        case "maxQueuedBytes" -> b.maxQueuedBytes(Long.parseLong(value));
        case "maxTotalQueuedBytes" -> b.maxTotalQueuedBytes(Long.parseLong(value));
        case "handshakeTimeout" -> b.handshakeTimeout(duration(value));
        case "pingInterval" -> b.pingInterval(duration(value));
        case "registerTimeout" -> b.registerTimeout(duration(value));
        case "membershipInterval" -> b.membershipInterval(duration(value));
        case "rateLimit" -> {
          if (value.equals("off")) {
            b.noRateLimit();
          } else {
            String[] parts = value.split("/");
            b.rateLimit(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
          }
        }
        case "auth" -> auth = value;
        case "ed25519Remembered" -> remembered = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown setting: " + key);
      }
    }
    if (auth != null) {
      if (!auth.equals("ed25519")) {
        throw new IllegalArgumentException("auth is ed25519 or not set: " + auth);
      }
      b.authenticator(Ed25519Authenticator.create(Clock.systemUTC(), Duration.ofSeconds(60), remembered));
    }
    return b.build();
  }

  /** {@code 300ms}, {@code 2s}. */
  static Duration duration(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
    }
    if (v.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
    }
    throw new IllegalArgumentException("a duration is 300ms or 2s: " + value);
  }
}
