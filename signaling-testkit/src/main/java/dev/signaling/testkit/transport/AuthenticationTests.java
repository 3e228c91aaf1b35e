package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.RegistrationRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestClient;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The authentication hook over real sockets: what the client's upgrade request said reaches the
 * {@code RegistrationAuthenticator} with every register, and a refusal leaves the connection usable.
 */
public abstract class AuthenticationTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected AuthenticationTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }

  private final BlockingQueue<RegistrationRequest> requests = new LinkedBlockingQueue<>();
  private final BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();
  private ServerHandle server;

  private static <T> T next(BlockingQueue<T> queue) throws InterruptedException {
    T value = queue.poll(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(value).as("within %s", TestClient.TIMEOUT).isNotNull();
    return value;
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void theAuthenticatorSeesPathQueryHeadersAndRemoteAddress_andMayRefuse(Wire wire) throws Exception {
    SignalingConfig config = SignalingConfig.builder().authenticator(request -> {
      requests.add(request);
      return "let-me-in".equals(request.connection().handshake().header("X-Api-Key"));
    }).build();
    server = start(wire.spec().config(config).listener(new SignalingListener() {
      @Override
      public void connectionOpened(ConnectionInfo connection) {
        opened.add(connection);
      }
    }));

    BlockingQueue<String> refusedClient = new LinkedBlockingQueue<>();
    WebSocket refused = open(wire, server.webSocketUri().resolve("/rooms/7?token=abc&x=1"), "wrong", refusedClient);
    refused.sendText("{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\",\"publicKey\":\"pk-a\"}", true);
    RegistrationRequest request = next(requests);
    assertThat(request.nodeId()).isEqualTo("a");
    assertThat(request.username()).isEqualTo("alice");
    assertThat(request.publicKey()).isEqualTo("pk-a");
    assertThat(request.connection().id()).isEqualTo(next(opened).id());
    assertThat(request.connection().handshake().path()).isEqualTo("/rooms/7");
    assertThat(request.connection().handshake().query()).isEqualTo("token=abc&x=1");
    assertThat(request.connection().handshake().header("x-api-key")).isEqualTo("wrong");
    assertThat(request.connection().handshake().header("host")).isEqualTo("127.0.0.1:" + server.port());
    InetSocketAddress remote = request.connection().remoteAddress();
    assertThat(remote.getAddress().isLoopbackAddress()).isTrue();
    assertThat(remote.getPort()).as("the client's own port").isPositive().isNotEqualTo(server.port());
    assertThat(next(refusedClient)).isEqualTo("{\"type\":\"error\",\"error\":\"unauthorized\"}");
    assertThat(server.participants()).isEmpty();

    BlockingQueue<String> admittedClient = new LinkedBlockingQueue<>();
    WebSocket admitted = open(wire, server.webSocketUri(), "let-me-in", admittedClient);
    admitted.sendText("{\"type\":\"register\",\"nodeId\":\"b\",\"username\":\"bob\"}", true);
    assertThat(next(requests).connection().handshake().path()).isEqualTo("/");
    assertThat(next(admittedClient)).startsWith("{\"type\":\"participants\"");
    assertThat(server.participants()).extracting(p -> p.nodeId()).containsExactly("b");
    refused.abort();
    admitted.abort();
  }

  private static WebSocket open(Wire wire, URI uri, String apiKey, BlockingQueue<String> received) throws Exception {
    return wire.http().newWebSocketBuilder().header("X-Api-Key", apiKey)
        .buildAsync(uri, new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            received.add(data.toString());
            ws.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ws.request(1);
            return null;
          }
        })
        .get(TestClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }
}
