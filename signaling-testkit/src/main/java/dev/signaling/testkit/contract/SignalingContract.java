package dev.signaling.testkit.contract;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.TestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;

/**
 * The protocol contract (docs/protocol.md), written once and run against every way of reaching a
 * hub: the in-memory transport, each transport over real sockets (plain and TLS), and servers in
 * cluster mode. A test class extends this one and says how to start a server:
 *
 * <pre>{@code
 * class MyTransportContractTest extends SignalingContract {
 *   @Override
 *   protected TestServer startServer(SignalingConfig config, SignalingListener listener) {
 *     return MyTestServer.start(config, listener);
 *   }
 * }
 * }</pre>
 *
 * <p><b>Layout.</b> Each concern is a group of its own ({@link RegisterTests}, {@link
 * HeartbeatTests}, ...): a public abstract class in a file of its own, run here through a
 * one-line {@link Nested} inner class that extends it and hands it this contract. JUnit
 * Jupiter (6.1.3) discovers {@code @Nested} classes declared in a superclass of the test class
 * it runs, and the test methods a nested class inherits, so the subclass above runs every group,
 * reported as {@code MyTransportContractTest$Register} and so on. (A group cannot itself be the
 * nested class: a nested class must be an inner class of the test's hierarchy, and a file of its
 * own cannot hold one; so the inner class is the seam and the file holds the tests.) The servers a
 * group starts are closed by this class's {@link AfterEach}, which JUnit runs around every nested
 * test as well. Maven Surefire reports each group under the class that declares it ({@code
 * SignalingContract$Register}, ...), so a {@code -Dtest=} filter must name that too: {@code
 * -Dtest='MyTransportContractTest,SignalingContract*'}.
 *
 * <p>To prove that something was <em>not</em> sent, a test uses a barrier: {@link
 * dev.signaling.testkit.Steps#assertNothingPending}.
 */
public abstract class SignalingContract {

  private final List<TestServer> servers = new ArrayList<>();

  /** Starts a server for one test, with this configuration and listener. */
  protected abstract TestServer startServer(SignalingConfig config, SignalingListener listener)
      throws Exception;

  /** Starts a server through {@link #startServer} and closes it after the test. */
  final TestServer server(SignalingConfig config, SignalingListener listener) throws Exception {
    TestServer server = startServer(config, listener);
    servers.add(server);
    return server;
  }

  @AfterEach
  void closeServers() throws Exception {
    for (TestServer server : servers) {
      server.close();
    }
  }

  /** {@link RegisterTests}. */
  @Nested
  class Register extends RegisterTests {
    Register() {
      super(SignalingContract.this);
    }
  }

  /** {@link HeartbeatTests}. */
  @Nested
  class Heartbeat extends HeartbeatTests {
    Heartbeat() {
      super(SignalingContract.this);
    }
  }

  /** {@link RoleAssignTests}. */
  @Nested
  class RoleAssign extends RoleAssignTests {
    RoleAssign() {
      super(SignalingContract.this);
    }
  }

  /** {@link SignalTests}. */
  @Nested
  class Signal extends SignalTests {
    Signal() {
      super(SignalingContract.this);
    }
  }

  /** {@link DisconnectTests}. */
  @Nested
  class Disconnect extends DisconnectTests {
    Disconnect() {
      super(SignalingContract.this);
    }
  }

  /** {@link ErrorTests}. */
  @Nested
  class Errors extends ErrorTests {
    Errors() {
      super(SignalingContract.this);
    }
  }

  /** {@link LimitTests}. */
  @Nested
  class Limits extends LimitTests {
    Limits() {
      super(SignalingContract.this);
    }
  }

  /** {@link OrderingTests}. */
  @Nested
  class Ordering extends OrderingTests {
    Ordering() {
      super(SignalingContract.this);
    }
  }

  /** {@link EmbeddingTests}. */
  @Nested
  class Embedding extends EmbeddingTests {
    Embedding() {
      super(SignalingContract.this);
    }
  }

  /** {@link TimelinessTests}. */
  @Nested
  class Timeliness extends TimelinessTests {
    Timeliness() {
      super(SignalingContract.this);
    }
  }

  /** {@link ModerationTests}. */
  @Nested
  class Moderation extends ModerationTests {
    Moderation() {
      super(SignalingContract.this);
    }
  }
}
