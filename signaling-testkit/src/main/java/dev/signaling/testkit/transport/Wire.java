package dev.signaling.testkit.transport;

import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.TestCertificate;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;

/**
 * How a test reaches its server: plain TCP, or TLS with the {@link TestCertificate}. Tests ask
 * their wire for server specs, HTTP/WebSocket clients and raw sockets, so that the same test runs
 * over both.
 */
public enum Wire {
  /** Plain TCP: {@code ws://} and {@code http://}. */
  PLAIN,
  /** TLS with the test certificate: {@code wss://} and {@code https://}. */
  TLS;

  /** The server's TLS context on this wire, or {@code null} for plain TCP. */
  public SSLContext serverContext() {
    return this == TLS ? TestCertificate.get().serverContext() : null;
  }

  /** A spec on 127.0.0.1 and an ephemeral port, with TLS when this wire has it. */
  public ServerSpec spec() {
    return ServerSpec.loopback().tls(serverContext());
  }

  /** The JDK HTTP/WebSocket client for this wire (one per wire, shared). */
  public HttpClient http() {
    return this == TLS ? Https.CLIENT : WebSocketTestClient.HTTP;
  }

  /** A raw socket to {@code port} on 127.0.0.1; over TLS, the handshake runs on first use. */
  public RawSocket raw(int port) throws IOException {
    return this == TLS
        ? new RawSocket(port, TestCertificate.get().clientContext().getSocketFactory())
        : new RawSocket(port);
  }

  /** Connects a JDK WebSocket client and waits for the upgrade. */
  public WebSocketTestClient connect(String name, URI uri) throws Exception {
    return WebSocketTestClient.connect(name, uri, http());
  }

  /** Created on first use only, so plain tests never make a certificate. */
  private static final class Https {
    static final HttpClient CLIENT =
        HttpClient.newBuilder().sslContext(TestCertificate.get().clientContext()).build();
  }
}
