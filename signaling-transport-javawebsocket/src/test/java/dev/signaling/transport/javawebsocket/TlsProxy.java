package dev.signaling.transport.javawebsocket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Terminates TLS on a loopback port and passes the plain bytes to another loopback port: how a
 * signaling server is usually put behind {@code wss://} (nginx, a load balancer). Lets the
 * client's {@code wss} support be tested against the real server, which itself speaks plain
 * {@code ws}.
 */
final class TlsProxy implements AutoCloseable {

  private static final char[] PASSWORD = "test-only".toCharArray();

  private final ServerSocket listener;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  private TlsProxy(SSLContext tls, int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = tls.getServerSocketFactory().createServerSocket();
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    this.acceptor = new Thread(this::accept, "tls-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy from a new TLS port to {@code targetPort}, with the certificate in {@code tls}. */
  static TlsProxy start(SSLContext tls, int targetPort) throws IOException {
    return new TlsProxy(tls, targetPort);
  }

  /**
   * A TLS context with a fresh self-signed certificate for {@code 127.0.0.1} that also trusts
   * exactly that certificate: made with the JDK's own {@code keytool}, valid for two days.
   */
  static SSLContext selfSignedLoopback(Path dir) throws Exception {
    Path store = dir.resolve("loopback.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "loopback",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("keytool.log").toFile())
        .start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("keytool did not finish within 60 s");
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + Files.readString(dir.resolve("keytool.log")));
    }
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, PASSWORD);
    TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trustManagers.init(keys);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
    return context;
  }

  int port() {
    return listener.getLocalPort();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        sockets.add(client);
        sockets.add(server);
        pump(client, server, "tls-proxy-up");
        pump(server, client, "tls-proxy-down");
      } catch (IOException e) {
        // Closed, or one connection failed: the next accept decides.
      }
    }
  }

  private static void pump(Socket from, Socket to, String name) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        for (int n; (n = in.read(buffer)) != -1; ) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // The other direction closed both sockets, or the peer went away.
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    closeQuietly(listener);
    sockets.forEach(TlsProxy::closeQuietly);
    acceptor.join(TimeUnit.SECONDS.toMillis(10));
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      // Already closed.
    }
  }
}
