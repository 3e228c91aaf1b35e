package dev.signaling.transport.netty.attack;

import dev.signaling.testkit.transport.attack.ForkedServer;
import dev.signaling.testkit.transport.attack.ServerProcess;
import dev.signaling.transport.netty.SignalingServer;
import java.io.IOException;

/** The Netty server in a {@link ForkedServer}: the transport's whole share of the harness. */
public final class NettyServerMain {

  private NettyServerMain() {}

  /** Serves with the settings in {@code args} (see {@link ServerProcess}). */
  public static void main(String[] args) throws IOException {
    ServerProcess.serve(args, SignalingServer::builder);
  }
}
