package dev.signaling.transport.netty;

import dev.signaling.core.SignalingException;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * How one server makes each connection's TLS handler: through the JDK's provider from the
 * application's {@link SSLContext}, or through OpenSSL (BoringSSL, from {@code
 * netty-tcnative-boringssl-static}) from its keys, only when the application asked for it. The
 * OpenSSL context is native memory: it is made per server and released by {@link #close()}; each
 * engine is released by its {@link SslHandler} when the connection ends.
 */
final class ServerTls {

  private final SSLContext jdk;
  private final SslContext openSsl;

  private ServerTls(SSLContext jdk, SslContext openSsl) {
    this.jdk = jdk;
    this.openSsl = openSsl;
  }

  /**
   * TLS through the JDK's provider with {@code jdk}, or else through OpenSSL with {@code
   * openSslKeys}, or else none ({@code null}).
   *
   * @throws SignalingException if OpenSSL was asked for and cannot be loaded, or refuses the keys
   */
  static ServerTls of(SSLContext jdk, KeyManagerFactory openSslKeys) {
    return jdk != null ? new ServerTls(jdk, null) : openSslKeys != null ? openSsl(openSslKeys) : null;
  }

  private static ServerTls openSsl(KeyManagerFactory keys) {
    if (!OpenSsl.isAvailable()) {
      throw new SignalingException("OpenSSL TLS was asked for, but it cannot be loaded: add "
          + "io.netty:netty-tcnative-boringssl-static (with this platform's classifier) to the class path",
          OpenSsl.unavailabilityCause());
    }
    try {
      return new ServerTls(null, SslContextBuilder.forServer(keys).sslProvider(SslProvider.OPENSSL_REFCNT).build());
    } catch (SSLException | RuntimeException e) {
      throw new SignalingException("OpenSSL TLS: the keys were refused: " + e.getMessage(), e);
    }
  }

  /** A new connection's TLS handler, server side. */
  SslHandler newHandler(ByteBufAllocator alloc) {
    if (openSsl != null) {
      return openSsl.newHandler(alloc);
    }
    SSLEngine engine = jdk.createSSLEngine();
    engine.setUseClientMode(false);
    return new SslHandler(engine);
  }

  /** The provider's name, for the start-up log line. */
  String provider() {
    return openSsl != null ? "OpenSSL " + OpenSsl.versionString() : "JDK";
  }

  /** Releases the OpenSSL context, if any (once the connections are closed). */
  void close() {
    if (openSsl != null) {
      ReferenceCountUtil.release(openSsl);
    }
  }
}
