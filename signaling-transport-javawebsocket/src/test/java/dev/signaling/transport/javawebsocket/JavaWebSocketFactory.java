package dev.signaling.transport.javawebsocket;

import dev.signaling.testkit.transport.ServerHandle;
import dev.signaling.testkit.transport.ServerSpec;
import dev.signaling.testkit.transport.TransportFactory;
import java.util.Objects;

/** The Java-WebSocket transport for the transport test kit: a spec onto the builder, and the hooks. */
final class JavaWebSocketFactory implements TransportFactory {

  @Override
  public ServerHandle start(ServerSpec spec) {
    return new Handle(spec.start(SignalingServer.builder()));
  }

  @Override
  public boolean isServerThread(Thread thread) {
    return thread.getName().startsWith("WebSocketWorker-") || thread.getName().startsWith("WebSocketSelector-");
  }

  /** A {@link SignalingServer} as the kit sees it. */
  record Handle(SignalingServer server) implements ServerHandle {

    @Override
    public void markShuttingDown() {
      server.markShuttingDown();
    }

    @Override
    public boolean isShuttingDown() {
      return server.endpoint().isShuttingDown();
    }

    @Override
    public OutboundQueue outboundQueue(String path) {
      SignalingSocket socket = server.endpoint().openSockets().stream()
          .filter(s -> Objects.equals(s.connection.handshake().path(), path)).findFirst()
          .orElseThrow(() -> new AssertionError("no open connection for " + path));
      return new OutboundQueue() {
        @Override
        public long queuedBytes() {
          return socket.queuedBytes();
        }

        @Override
        public boolean isEmpty() {
          return socket.outQueue.isEmpty();
        }
      };
    }
  }
}
