package dev.signaling.testkit.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.Messages;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What every group of the {@link TransportKit} builds on: the factory of the transport under
 * test, the {@link Wire} the group runs over, and servers that are closed after each test.
 */
public abstract class TransportGroup {

  private final TransportKit kit;
  private final Wire wire;

  /** A group of {@code kit}, run over {@code wire}. */
  protected TransportGroup(TransportKit kit, Wire wire) {
    this.kit = Objects.requireNonNull(kit, "kit");
    this.wire = Objects.requireNonNull(wire, "wire");
  }

  /** The wire this group runs over. */
  protected Wire wire() {
    return wire;
  }

  /** The factory of the transport under test. */
  protected TransportFactory factory() {
    return kit.factory();
  }

  /** Starts a server as {@code spec} says; it is closed after the test. */
  protected ServerHandle start(ServerSpec spec) {
    return kit.start(spec);
  }

  /** Starts a server on this group's wire with this configuration and listener. */
  protected ServerHandle start(SignalingConfig config, SignalingListener listener) {
    return start(wire.spec().config(config).listener(listener));
  }

  /** Starts a server on this group's wire with this configuration. */
  protected ServerHandle start(SignalingConfig config) {
    return start(config, SignalingListener.NONE);
  }

  /** Starts a server on this group's wire with the defaults. */
  protected ServerHandle start() {
    return start(SignalingConfig.defaults());
  }

  /**
   * Starts a server, connects a JDK client and closes both; asserts that every thread this started
   * ends (the shared HTTP clients' aside).
   */
  protected void assertCloseLeavesNoThreadBehind() throws Exception {
    wire.http(); // the client's threads, and over TLS the certificate (keytool leaves the process reaper)
    Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
    ServerHandle server = start(wire.spec());
    WebSocketTestClient client = wire.connect("client", server.webSocketUri());
    client.send(Messages.PROBE);
    client.next();
    server.close();
    client.close();
    Set<Thread> started = new HashSet<>(Thread.getAllStackTraces().keySet());
    started.removeAll(before);
    started.removeIf(t -> t.getName().startsWith("HttpClient-")); // the shared test clients'
    for (Thread thread : started) {
      thread.join(TestClient.TIMEOUT.toMillis());
      assertThat(thread.isAlive()).as("thread %s still alive", thread.getName()).isFalse();
    }
  }

  /** Starts a server on this group's wire, as a test server whose clients use the JDK client. */
  protected SocketTestServer socketServer(SignalingConfig config, SignalingListener listener) {
    return SocketTestServer.of(start(config, listener), wire);
  }
}
