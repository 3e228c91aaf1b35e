package dev.signaling.testkit.transport;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestServer;
import dev.signaling.testkit.contract.SignalingContract;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The transport test kit: every transport-level test, written once against a {@link
 * TransportFactory}, so that every transport runs the same classes. A transport runs all of it
 * with one subclass in its test sources:
 *
 * <pre>{@code
 * class MyTransportKitTest extends TransportKit {
 *   @Override
 *   protected TransportFactory factory() {
 *     return new MyTransportFactory(); // maps a ServerSpec onto the transport's builder
 *   }
 * }
 * }</pre>
 *
 * <p>What it checks, each group in a file of its own run here through a one-line {@code
 * @Nested} inner class (see {@link SignalingContract} for why this layout, and how JUnit finds
 * the groups): the protocol contract over real sockets, plain and over TLS; the HTTP endpoint
 * ({@code /health}, {@code 404}, {@code 431}, {@code 503}, the handshake timeout), plain and over
 * TLS; frames and their limits, plain and over TLS; protocol violations; slow consumers;
 * ping/pong liveness; failures in application code; graceful shutdown; nothing lost under
 * concurrency; what only TLS has; origins; the authentication handshake; the server's lifecycle.
 * The duties these tests pin are those the SPI's Javadoc ({@code dev.signaling.core.spi}) says
 * every transport must meet.
 *
 * <p>Servers started by the groups are closed after each test by this class.
 */
public abstract class TransportKit {

  private final List<ServerHandle> servers = new ArrayList<>();

  /** The factory of the transport under test. */
  protected abstract TransportFactory factory();

  /** Starts a server through {@link #factory()}; it is closed after the test. */
  final ServerHandle start(ServerSpec spec) {
    ServerHandle server = factory().start(spec);
    servers.add(server);
    return server;
  }

  @AfterEach
  void closeServers() {
    servers.forEach(ServerHandle::close);
  }

  private TestServer socketServer(Wire wire, SignalingConfig config, SignalingListener listener) {
    return SocketTestServer.of(start(wire.spec().config(config).listener(listener)), wire);
  }

  /** The protocol contract over plain sockets. */
  @Nested
  class Protocol extends SignalingContract {
    @Override
    protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
      return socketServer(Wire.PLAIN, config, listener);
    }
  }

  /** The protocol contract over TLS. */
  @Nested
  class ProtocolOverTls extends SignalingContract {
    @Override
    protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
      return socketServer(Wire.TLS, config, listener);
    }
  }

  /** {@link HttpEndpointTests} over plain sockets. */
  @Nested
  class HttpEndpoint extends HttpEndpointTests {
    HttpEndpoint() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link HttpEndpointTests} over TLS. */
  @Nested
  class HttpEndpointOverTls extends HttpEndpointTests {
    HttpEndpointOverTls() {
      super(TransportKit.this, Wire.TLS);
    }
  }

  /** {@link FrameTests} over plain sockets. */
  @Nested
  class Frames extends FrameTests {
    Frames() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link FrameTests} over TLS. */
  @Nested
  class FramesOverTls extends FrameTests {
    FramesOverTls() {
      super(TransportKit.this, Wire.TLS);
    }
  }

  /** {@link ProtocolViolationTests}. */
  @Nested
  class ProtocolViolations extends ProtocolViolationTests {
    ProtocolViolations() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link SlowConsumerTests}. */
  @Nested
  class SlowConsumer extends SlowConsumerTests {
    SlowConsumer() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link LivenessTests}. */
  @Nested
  class Liveness extends LivenessTests {
    Liveness() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link HandlerFailureTests}. */
  @Nested
  class HandlerFailure extends HandlerFailureTests {
    HandlerFailure() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link GracefulShutdownTests}. */
  @Nested
  class GracefulShutdown extends GracefulShutdownTests {
    GracefulShutdown() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link NothingLostTests}. */
  @Nested
  class NothingLost extends NothingLostTests {
    NothingLost() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link TlsTests}. */
  @Nested
  class Tls extends TlsTests {
    Tls() {
      super(TransportKit.this, Wire.TLS);
    }
  }

  /** {@link OriginTests}. */
  @Nested
  class Origins extends OriginTests {
    Origins() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link AuthenticationTests}. */
  @Nested
  class Authentication extends AuthenticationTests {
    Authentication() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link LifecycleTests}. */
  @Nested
  class Lifecycle extends LifecycleTests {
    Lifecycle() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }

  /** {@link ServerLimitsTests}. */
  @Nested
  class ServerLimits extends ServerLimitsTests {
    ServerLimits() {
      super(TransportKit.this, Wire.PLAIN);
    }
  }
}
