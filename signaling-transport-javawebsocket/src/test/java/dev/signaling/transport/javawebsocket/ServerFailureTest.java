package dev.signaling.transport.javawebsocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.Waits;
import dev.signaling.testkit.WebSocketTestClient;
import dev.signaling.testkit.transport.Wire;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An {@link Error} that reaches one of the transport's threads leaves no half-dead server: the hub
 * fails (every client gets {@code 1011}, the listener hears {@code serverFailed} once), {@code
 * /health} answers {@code 503} while the server drains, the port is closed, and {@code close()}
 * still works afterwards. The errors are injected where an application's code runs on those
 * threads: a TLS context on the selector thread, a connection's handler on a decoder thread.
 */
class ServerFailureTest {

  private final CompletableFuture<Throwable> failed = new CompletableFuture<>();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final List<Integer> closes = new CopyOnWriteArrayList<>();
  private final SignalingListener listener = new SignalingListener() {
    @Override
    public void serverFailed(Throwable cause) {
      failures.add(cause);
      failed.complete(cause);
    }

    @Override
    public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
      closes.add(code);
    }
  };
  private SignalingServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static String register(String nodeId) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + nodeId + "\"}";
  }

  @Test
  void anErrorOnTheSelectorThread_closesClientsWith1011_andStopsTheServer() throws Exception {
    AtomicBoolean armed = new AtomicBoolean();
    server = SignalingServer.builder().host("127.0.0.1").port(0).listener(listener)
        .tls(failingWhen(armed, TestCertificate.get().serverContext())).start();
    WebSocketTestClient a = Wire.TLS.connect("a", server.webSocketUri());
    a.send(register("a"));
    a.next();
    WebSocketTestClient b = Wire.TLS.connect("b", server.webSocketUri());

    armed.set(true);
    try (Socket trigger = new Socket("127.0.0.1", server.port())) {
      // Accepting it makes the selector thread create a TLS engine: the OutOfMemoryError.
      assertThat(failed.get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(OutOfMemoryError.class).hasMessage("injected");
    }
    assertThat(a.awaitClose()).isEqualTo(new TestClient.CloseStatus(1011, "internal error"));
    assertThat(b.awaitClose()).isEqualTo(new TestClient.CloseStatus(1011, "internal error"));
    awaitPortClosed(server.port());
    assertThat(server.hub().isClosed()).isTrue();
    closesPromptly();
    assertThat(failures).hasSize(1);
  }

  @Test
  void anErrorOnADecoderThread_failsTheHub_health503WhileItDrains_thenThePortCloses() throws Exception {
    server = SignalingServer.builder().host("127.0.0.1").port(0).listener(listener).start();
    WebSocketTestClient a = WebSocketTestClient.connect("a", server.webSocketUri());
    a.send(register("a"));
    a.next();
    // A client that does not read, with a backlog: the server's stop waits for it (bounded), so
    // /health can be seen answering 503 meanwhile.
    RawSocket stuck = new RawSocket(server.port(), 4096).upgrade("/").register("stuck");
    String big = "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"stuck\",\"payload\":\"" + "b".repeat(60_000) + "\"}";
    for (int i = 0; server.hub().metrics().maxQueuedBytes() < 256 * 1024; i++) {
      assertThat(i).as("signals sent to the stuck client").isLessThan(1_000);
      a.send(big);
    }
    Set<SignalingSocket> before = new HashSet<>(server.endpoint().openSockets());
    WebSocketTestClient victim = WebSocketTestClient.connect("victim", server.webSocketUri());
    SignalingSocket socket = awaitNewSocket(before);
    socket.connection.attach(throwing(new OutOfMemoryError("injected")));

    victim.send("{\"type\":\"probe\"}");
    assertThat(failed.get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).hasMessage("injected");
    try (RawSocket health = new RawSocket(server.port())) {
      health.write("GET /health HTTP/1.1\r\n\r\n");
      assertThat(health.readToEndAscii()).as("while the server drains")
          .startsWith("HTTP/1.1 503 Service Unavailable").endsWith("{\"ok\":false}");
    }
    assertThat(a.awaitClose()).isEqualTo(new TestClient.CloseStatus(1011, "internal error"));
    awaitPortClosed(server.port());
    assertThat(closes).as("what the hub reported").contains(1011);
    closesPromptly();
    assertThat(failures).hasSize(1);
    stuck.close();
  }

  @Test
  void aRuntimeExceptionOnADecoderThread_closesThatConnectionOnly() throws Exception {
    server = SignalingServer.builder().host("127.0.0.1").port(0).listener(listener).start();
    WebSocketTestClient a = WebSocketTestClient.connect("a", server.webSocketUri());
    a.send(register("a"));
    a.next();
    Set<SignalingSocket> before = new HashSet<>(server.endpoint().openSockets());
    WebSocketTestClient victim = WebSocketTestClient.connect("victim", server.webSocketUri());
    awaitNewSocket(before).connection.attach(throwing(new IllegalStateException("a bug")));
    victim.send("{\"type\":\"probe\"}");
    assertThat(victim.awaitClose().code()).isEqualTo(1011);
    a.send("{\"type\":\"probe\"}");
    assertThat(a.next()).isEqualTo("{\"type\":\"error\",\"error\":\"unknown type\"}");
    assertThat(failed).isNotDone();
  }

  private SignalingSocket awaitNewSocket(Set<SignalingSocket> before) {
    AtomicReference<SignalingSocket> found = new AtomicReference<>();
    Waits.until("the new socket", () -> {
      for (SignalingSocket s : server.endpoint().openSockets()) {
        if (!before.contains(s)) {
          found.set(s);
          return true;
        }
      }
      return false;
    });
    return found.get();
  }

  private static ConnectionHandler throwing(Throwable t) {
    return new ConnectionHandler() {
      @Override
      public void onText(String text) {
        if (t instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) t;
      }

      @Override
      public void onBinary(ByteBuffer data) {
        onText("");
      }

      @Override
      public void onWritable() {}

      @Override
      public void onClose(int code, String reason, boolean remote) {}
    };
  }

  /** The port refuses connections within the timeout (the failure's stop closed it). */
  private static void awaitPortClosed(int port) {
    Waits.until("the port closed", () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return false;
      } catch (ConnectException e) {
        return true;
      } catch (IOException e) {
        return false; // another failure to connect: try again
      }
    });
  }

  private void closesPromptly() {
    long start = System.nanoTime();
    server.close();
    server.close();
    assertThat((System.nanoTime() - start) / 1_000_000).as("close() after the failure, ms").isLessThan(5_000);
  }

  /** A context like {@code real} whose engines fail with an {@link OutOfMemoryError} once armed. */
  private static SSLContext failingWhen(AtomicBoolean armed, SSLContext real) {
    SSLContextSpi spi = new SSLContextSpi() {
      @Override
      protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
        real.init(km, tm, random);
      }

      @Override
      protected SSLSocketFactory engineGetSocketFactory() {
        return real.getSocketFactory();
      }

      @Override
      protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return real.getServerSocketFactory();
      }

      @Override
      protected SSLEngine engineCreateSSLEngine() {
        if (armed.get()) {
          throw new OutOfMemoryError("injected");
        }
        return real.createSSLEngine();
      }

      @Override
      protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return engineCreateSSLEngine();
      }

      @Override
      protected SSLSessionContext engineGetServerSessionContext() {
        return real.getServerSessionContext();
      }

      @Override
      protected SSLSessionContext engineGetClientSessionContext() {
        return real.getClientSessionContext();
      }
    };
    return new SSLContext(spi, real.getProvider(), real.getProtocol()) { };
  }
}
