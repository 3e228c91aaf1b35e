package dev.signaling.transport.javawebsocket;

import dev.signaling.core.testkit.TestCertificate;
import java.io.IOException;
import java.net.http.HttpClient;

/**
 * How a test reaches its server: plain TCP, or TLS with the test certificate. Test classes ask
 * their {@code wire()} for servers, HTTP/WebSocket clients and raw sockets, so that a subclass
 * runs all of them again over TLS.
 */
enum Wire {
  PLAIN,
  TLS;

  /** A builder on 127.0.0.1 and an ephemeral port, with TLS when this wire has it. */
  SignalingServer.Builder builder() {
    SignalingServer.Builder builder = SignalingServer.builder().host("127.0.0.1").port(0);
    return this == TLS ? builder.tls(TestCertificate.get().serverContext()) : builder;
  }

  /** The JDK HTTP/WebSocket client for this wire (one per wire, shared). */
  HttpClient http() {
    return this == TLS ? Https.CLIENT : JdkTestClient.HTTP;
  }

  /** A raw socket to {@code port} on 127.0.0.1; over TLS, the handshake runs on first use. */
  RawSocket raw(int port) throws IOException {
    return this == TLS
        ? new RawSocket(port, TestCertificate.get().clientContext().getSocketFactory())
        : new RawSocket(port);
  }

  /** Connects a JDK WebSocket client and waits for the upgrade. */
  JdkTestClient connect(String name, java.net.URI uri) throws Exception {
    return JdkTestClient.connect(name, uri, http());
  }

  /** Created on first use only, so plain tests never make a certificate. */
  private static final class Https {
    static final HttpClient CLIENT =
        HttpClient.newBuilder().sslContext(TestCertificate.get().clientContext()).build();
  }
}
