package dev.signaling.transport.javawebsocket.attack;

import dev.signaling.testkit.transport.attack.ForkedServer;
import dev.signaling.testkit.transport.attack.ServerProcess;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.IOException;

/** The Java-WebSocket server in a {@link ForkedServer}: the transport's whole share of the harness. */
public final class JavaWebSocketServerMain {

  private JavaWebSocketServerMain() {}

  /** Serves with the settings in {@code args} (see {@link ServerProcess}). */
  public static void main(String[] args) throws IOException {
    ServerProcess.serve(args, SignalingServer::builder);
  }
}
