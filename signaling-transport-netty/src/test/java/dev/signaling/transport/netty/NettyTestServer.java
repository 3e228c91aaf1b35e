package dev.signaling.transport.netty;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.testkit.TestCertificate;
import dev.signaling.core.testkit.TestServer;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link TestServer} on 127.0.0.1 and an ephemeral port, plain or over TLS, reached by {@link JdkClient}s. */
final class NettyTestServer implements TestServer {

  static final HttpClient PLAIN = HttpClient.newHttpClient();

  private final SignalingServer server;
  private final HttpClient http;
  private final List<JdkClient> clients = new CopyOnWriteArrayList<>();

  NettyTestServer(boolean tls, SignalingConfig config, SignalingListener listener) {
    SignalingServer.Builder builder = SignalingServer.builder().host("127.0.0.1").port(0).config(config).listener(listener);
    this.server = tls ? builder.tls(TestCertificate.get().serverContext()).start() : builder.start();
    this.http = tls ? Https.CLIENT : PLAIN;
  }

  SignalingServer server() {
    return server;
  }

  @Override
  public SignalingHub hub() {
    return server.hub();
  }

  @Override
  public JdkClient connect() throws Exception {
    JdkClient client = new JdkClient(server.webSocketUri(), http);
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    server.close();
    clients.forEach(JdkClient::close);
  }

  /** Created on first use only, so plain tests never make a certificate. */
  private static final class Https {
    static final HttpClient CLIENT = HttpClient.newBuilder().sslContext(TestCertificate.get().clientContext()).build();
  }
}
