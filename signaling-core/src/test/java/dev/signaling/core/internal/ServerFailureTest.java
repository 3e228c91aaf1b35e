package dev.signaling.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What fails a connection, and what fails the server. */
class ServerFailureTest {

  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private WireLog wire;

  @AfterEach
  void close() {
    wire.close();
  }

  @Test
  void aFailedHub_closesEveryConnection1011_evenOneWhoseRegisterWaitsForItsCheck_andTellsTheListenerOnce()
      throws Exception {
    java.util.concurrent.CountDownLatch checking = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    wire = new WireLog(SignalingConfig.builder().authenticator(request -> {
      checking.countDown();
      try {
        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    }).build(), new SignalingListener() {
      @Override
      public void serverFailed(Throwable cause) {
        failures.add(cause);
      }
    });
    WireLog.Peer idle = wire.connect("idle");
    WireLog.Peer waiting = wire.connect("waiting");
    waiting.register();
    assertThat(checking.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    OutOfMemoryError cause = new OutOfMemoryError("test");

    wire.relay.fail(cause);
    wire.relay.fail(new OutOfMemoryError("again"));
    release.countDown();

    assertThat(idle.closed).isEqualTo("1011 internal error");
    assertThat(waiting.closed).isEqualTo("1011 internal error");
    assertThat(failures).containsExactly(cause);
    assertThat(wire.relay.participants()).as("the check's outcome changes nothing any more").isEmpty();
  }

  @Test
  void anErrorWhileHandlingAMessage_closesThatConnectionOnly() {
    wire = new WireLog(SignalingConfig.builder().rolePolicy((from, nodeId, roles) -> {
      throw new StackOverflowError("test");
    }).build());
    WireLog.Peer a = wire.connect("a");
    a.register();
    WireLog.Peer b = wire.connect("b");
    b.register();

    a.send("{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"x\"]}");

    assertThat(a.closed).isEqualTo("1011 internal error");
    assertThat(b.closed).isNull();
    assertThat(wire.relay.isClosed()).isFalse();
  }
}
