package dev.signaling.transport.netty.attack;

import dev.signaling.core.SignalingHub;
import dev.signaling.testkit.transport.attack.ForkedServer;
import dev.signaling.testkit.transport.attack.ServerProcess;
import dev.signaling.transport.netty.SignalingServer;
import java.io.IOException;

/** The Netty server in a {@link ForkedServer}: the transport's whole share of the harness. */
public final class NettyServerMain {

  private NettyServerMain() {}

  /** Serves with the settings in {@code args} (see {@link ServerProcess}). */
  public static void main(String[] args) throws IOException {
    ServerProcess.serve(args, (config, listener) -> {
      SignalingServer server =
          SignalingServer.builder().host("127.0.0.1").port(0).config(config).listener(listener).start();
      return new ServerProcess.Running() {
        @Override
        public int port() {
          return server.port();
        }

        @Override
        public SignalingHub hub() {
          return server.hub();
        }

        @Override
        public void close() {
          server.close();
        }
      };
    });
  }
}
