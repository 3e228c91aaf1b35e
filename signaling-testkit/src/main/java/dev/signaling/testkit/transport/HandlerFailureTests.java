package dev.signaling.testkit.transport;

import static dev.signaling.testkit.Messages.PROBE;
import static dev.signaling.testkit.Messages.UNKNOWN_TYPE;
import static dev.signaling.testkit.Messages.register;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.RegistrationAuthenticator;
import dev.signaling.core.RolePolicy;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.testkit.RawSocket;
import dev.signaling.testkit.Waits;
import dev.signaling.testkit.TestClient;
import dev.signaling.testkit.WebSocketTestClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bug in code the server calls for one connection (here an application's authenticator or role
 * policy that throws an {@link Error}) is caught at the boundary: that connection is closed with
 * {@code 1011} and logged once with its id; every other connection, and every I/O and worker
 * thread of the transport, carries on.
 */
public abstract class HandlerFailureTests extends TransportGroup {

  /** This group of {@code kit}, over {@code wire}. */
  protected HandlerFailureTests(TransportKit kit, Wire wire) {
    super(kit, wire);
  }


  /** Ids of connections closed with 1011, as the hub reports them. */
  private final List<String> failedIds = new CopyOnWriteArrayList<>();
  private final SignalingListener listener = new SignalingListener() {
    @Override
    public void connectionClosed(ConnectionInfo connection, int code, String reason, boolean remote) {
      if (code == 1011) {
        failedIds.add(connection.id());
      }
    }
  };
  private ServerHandle server;

  @Override
  protected ServerHandle start(SignalingConfig config) {
    server = start(config, listener);
    return server;
  }

  private Set<Thread> serverThreads() {
    return Thread.getAllStackTraces().keySet().stream().filter(factory()::isServerThread).collect(Collectors.toCollection(java.util.HashSet::new));
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("Error", (Supplier<Throwable>) () -> new Error("authenticator bug")),
        Arguments.of("AssertionError", (Supplier<Throwable>) () -> new AssertionError("authenticator bug")),
        Arguments.of("StackOverflowError", (Supplier<Throwable>) StackOverflowError::new),
        Arguments.of("OutOfMemoryError", (Supplier<Throwable>) () -> new OutOfMemoryError("simulated")));
  }

  private static RegistrationAuthenticator throwingFor(String prefix, Supplier<Throwable> failure) {
    return request -> {
      if (request.nodeId().startsWith(prefix)) {
        Throwable t = failure.get();
        if (t instanceof Error e) {
          throw e;
        }
        throw (RuntimeException) t;
      }
      return true;
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void anErrorInTheAuthenticator_closesThatConnectionWith1011_logsOnce_andNothingElseNotices(
      String name, Supplier<Throwable> failure) throws Exception {
    // Threads of servers closed by earlier tests may still be ending: they are not this server's.
    Set<Thread> earlier = serverThreads();
    start(SignalingConfig.builder().authenticator(throwingFor("boom", failure)).build());
    WebSocketTestClient watcher = WebSocketTestClient.connect("watcher", server.webSocketUri());
    watcher.send(register("w"));
    watcher.next();
    Set<Thread> threads = serverThreads();
    threads.removeAll(earlier);
    assertThat(threads).isNotEmpty();

    String log = captureStandardError(() -> {
      // Several connections, so that every worker thread meets the error at least once; each
      // sends three registers at once, so the error repeats before its connection is gone.
      for (int i = 0; i < 4; i++) {
        try (RawSocket boom = new RawSocket(server.port()).upgrade("/")) {
          byte[] one = RawSocket.frame(0x81, true, register("boom" + i).getBytes(StandardCharsets.UTF_8));
          ByteArrayOutputStream three = new ByteArrayOutputStream();
          three.writeBytes(one);
          three.writeBytes(one);
          three.writeBytes(one);
          boom.write(three.toByteArray());
          assertThat(boom.awaitClose()).as("close code of connection %d", i).isEqualTo(1011);
        }
      }
      Waits.until("four connections closed 1011", () -> failedIds.size() == 4);
    });

    for (String id : failedIds) {
      assertThat(log.lines().filter(l -> l.contains("Connection " + id + ":") && l.contains("unexpected failure")))
          .as("log lines for connection %s", id).hasSize(1);
    }
    assertThat(server.hub().metrics().closes()).containsEntry(1011, 4L);
    assertThat(server.participants()).extracting(p -> p.nodeId()).containsExactly("w");
    watcher.send(PROBE);
    assertThat(watcher.next()).as("nothing reached the watcher").isEqualTo(UNKNOWN_TYPE);

    Set<Thread> now = serverThreads();
    now.removeAll(earlier);
    assertThat(now).as("the transport's threads").containsExactlyInAnyOrderElementsOf(threads);
    threads.forEach(t -> assertThat(t.isAlive()).as(t.getName()).isTrue());
    // New connections are spread over all workers: each one is served.
    for (int i = 0; i < 4; i++) {
      WebSocketTestClient newcomer = WebSocketTestClient.connect("n" + i, server.webSocketUri());
      newcomer.send(register("n" + i));
      assertThat(newcomer.next()).startsWith("{\"type\":\"participants\"");
      assertThat(watcher.next()).startsWith("{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"n" + i + "\"");
      watcher.next();
    }
  }

  @Test
  void anErrorInTheRolePolicy_closesThatConnectionWith1011_andItsNodeLeaves() throws Exception {
    RolePolicy buggy = (sender, nodeId, roles) -> {
      throw new Error("role policy bug");
    };
    start(SignalingConfig.builder().rolePolicy(buggy).build());
    WebSocketTestClient watcher = WebSocketTestClient.connect("watcher", server.webSocketUri());
    watcher.send(register("w"));
    watcher.next();
    try (RawSocket bad = new RawSocket(server.port()).upgrade("/").register("bad")) {
      watcher.next(); // presence join
      watcher.next(); // participants
      bad.sendText("{\"type\":\"role-assign\",\"nodeId\":\"w\",\"roles\":[\"relay\"]}");
      assertThat(bad.awaitClose()).isEqualTo(1011);
    }
    assertThat(watcher.next()).isEqualTo(
        "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"bad\",\"username\":\"bad\",\"publicKey\":\"\"}");
    assertThat(watcher.next()).isEqualTo(
        "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"w\",\"username\":\"w\"}]}");
    watcher.send(PROBE);
    assertThat(watcher.next()).as("no role-assign was half-applied").isEqualTo(UNKNOWN_TYPE);
  }

  private interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} while System.err is captured (slf4j-simple looks it up at every line). */
  private static String captureStandardError(Body body) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    original.print(text); // keep it in the test's output
    return text;
  }
}
