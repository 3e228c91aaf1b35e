package dev.signaling.transport.netty;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingHub;
import dev.signaling.testkit.transport.ServerHandle;
import dev.signaling.testkit.transport.ServerSpec;
import dev.signaling.testkit.transport.TransportFactory;
import dev.signaling.testkit.TestCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;

/** The Netty transport for the transport test kit: a spec onto the builder, and the hooks. */
final class NettyFactory implements TransportFactory {

  private final boolean openSsl;

  /** TLS through the JDK's provider. */
  NettyFactory() {
    this(false);
  }

  /** TLS through OpenSSL ({@link SignalingServer.Builder#openSslTls}) if {@code openSsl}, with the same certificate. */
  NettyFactory(boolean openSsl) {
    this.openSsl = openSsl;
  }

  @Override
  public ServerHandle start(ServerSpec spec) {
    SignalingServer.Builder builder = SignalingServer.builder().host(spec.host()).port(spec.port())
        .config(spec.config()).listener(spec.listener());
    if (openSsl && spec.tls() == TestCertificate.get().serverContext()) { // not a broken context of a test
      builder.openSslTls(testKeys());
    } else if (spec.tls() != null) {
      builder.tls(spec.tls());
    }
    if (!spec.allowedOrigins().isEmpty()) {
      builder.allowedOrigins(spec.allowedOrigins().toArray(String[]::new));
    }
    if (spec.cluster() != null) {
      builder.cluster(spec.cluster());
    }
    return new Handle(builder.start());
  }

  /** The key and certificate of the kit's TLS context, for OpenSSL. */
  private static KeyManagerFactory testKeys() {
    try (InputStream in = Files.newInputStream(TestCertificate.get().keystore())) {
      KeyStore store = KeyStore.getInstance(TestCertificate.TYPE);
      store.load(in, TestCertificate.PASSWORD.toCharArray());
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, TestCertificate.PASSWORD.toCharArray());
      return keys;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the test keystore", e);
    }
  }

  @Override
  public boolean isServerThread(Thread thread) {
    return EventLoops.isEventLoopThread(thread);
  }

  /** A {@link SignalingServer} as the kit sees it. */
  record Handle(SignalingServer server) implements ServerHandle {

    @Override
    public int port() {
      return server.port();
    }

    @Override
    public String host() {
      return server.host();
    }

    @Override
    public URI webSocketUri() {
      return server.webSocketUri();
    }

    @Override
    public URI healthUri() {
      return server.healthUri();
    }

    @Override
    public boolean isSecure() {
      return server.isSecure();
    }

    @Override
    public SignalingHub hub() {
      return server.hub();
    }

    @Override
    public List<Participant> participants() {
      return server.participants();
    }

    @Override
    public void close() {
      server.close();
    }

    @Override
    public void markShuttingDown() {
      server.markShuttingDown();
    }

    @Override
    public boolean isShuttingDown() {
      return server.isShuttingDown();
    }

    @Override
    public OutboundQueue outboundQueue(String path) {
      NettyConnection connection = server.openConnections().stream()
          .filter(c -> c.handshake().path().equals(path)).findFirst()
          .orElseThrow(() -> new AssertionError("no open connection for " + path));
      return new OutboundQueue() {
        @Override
        public long queuedBytes() {
          return connection.queuedBytes();
        }

        @Override
        public boolean isEmpty() {
          return connection.holdsNothing();
        }
      };
    }
  }
}
