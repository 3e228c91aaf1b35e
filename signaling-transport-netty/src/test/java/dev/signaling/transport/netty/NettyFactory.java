package dev.signaling.transport.netty;

import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.transport.ServerHandle;
import dev.signaling.testkit.transport.ServerSpec;
import dev.signaling.testkit.transport.TransportFactory;

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
    if (openSsl && spec.tls() == TestCertificate.get().serverContext()) { // not a broken context of a test
      return new Handle(spec.tls(null).start(SignalingServer.builder().openSslTls(TestCertificate.get().keyManagers())));
    }
    return new Handle(spec.start(SignalingServer.builder()));
  }

  @Override
  public boolean isServerThread(Thread thread) {
    return EventLoops.isEventLoopThread(thread);
  }

  /** A {@link SignalingServer} as the kit sees it. */
  record Handle(SignalingServer server) implements ServerHandle {

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
