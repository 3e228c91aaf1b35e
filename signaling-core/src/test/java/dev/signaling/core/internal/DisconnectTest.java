package dev.signaling.core.internal;

import static dev.signaling.core.internal.WireLog.list;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.cluster.ClusterMember;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server-side control: the application disconnects a node, or a connection, here or on another server. */
class DisconnectTest {

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private static String leave(String id) {
    return "{\"type\":\"presence\",\"action\":\"leave\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id
        + "\",\"publicKey\":\"\"}";
  }

  @Test
  void aDisconnectedNode_isClosed4002WithTheReason_andLeavesAsForAnyClose() {
    WireLog wire = new WireLog(SignalingConfig.builder().membershipInterval(Duration.ZERO).build());
    closing.add(wire);
    WireLog.Peer a = wire.connect("a");
    a.register();
    WireLog.Peer b = wire.connect("b");
    b.register();
    wire.take();

    assertThat(wire.relay.disconnect("b", "banned")).isTrue();

    assertThat(b.closed).isEqualTo("4002 banned");
    assertThat(wire.takeFor(a)).containsExactly(leave("b"), list("a"));
    assertThat(wire.relay.disconnect("b", "again")).as("no longer registered").isFalse();
    assertThat(wire.relay.disconnect("nobody", "x")).isFalse();
  }

  @Test
  void aConnectionIsDisconnectedByItsId_registeredOrNot() {
    WireLog wire = new WireLog(SignalingConfig.defaults());
    closing.add(wire);
    WireLog.Peer idle = wire.connect("idle");
    assertThat(wire.relay.disconnectConnection("idle", "go away")).isTrue();
    assertThat(idle.closed).isEqualTo("4002 go away");
    assertThat(wire.relay.disconnectConnection("idle", "again")).isFalse();
    assertThat(wire.relay.connectionCount()).isZero();
  }

  @Test
  void inACluster_aNodeHeldOnAnotherServer_isDisconnectedThere() {
    SharedLog log = new SharedLog();
    SignalingConfig unpaced = SignalingConfig.builder().membershipInterval(Duration.ZERO).build();
    WireLog one = new WireLog(unpaced, SignalingListener.NONE, log.server("one"));
    WireLog two = new WireLog(unpaced, SignalingListener.NONE, log.server("two"));
    closing.add(one);
    closing.add(two);
    WireLog.Peer a = one.connect("a");
    a.register();
    WireLog.Peer b = two.connect("b");
    b.register();
    assertThat(one.relay.participants()).hasSize(2);
    one.take();

    assertThat(one.relay.disconnect("b", "moderated")).isTrue();

    assertThat(b.closed).isEqualTo("4002 moderated");
    assertThat(one.takeFor(a)).containsExactly(leave("b"), list("a"));
    assertThat(one.relay.participants()).extracting(p -> p.nodeId()).containsExactly("a");
  }

  /**
   * An in-memory cluster of servers on one thread: a shared log delivered to every member at
   * once, in order, and a bus between them.
   */
  private static final class SharedLog {
    private final List<String> events = new ArrayList<>();
    private final Map<String, ClusterMember> members = new LinkedHashMap<>();

    Cluster server(String id) {
      return new Cluster() {
        @Override
        public void join(ClusterMember member) {
          for (int i = 0; i < events.size(); i++) {
            member.onEvent(events.get(i), i);
          }
          members.put(id, member);
        }

        @Override
        public String serverId() {
          return id;
        }

        @Override
        public void append(String event) {
          events.add(event);
          long position = events.size() - 1;
          new ArrayList<>(members.values()).forEach(m -> m.onEvent(event, position));
        }

        @Override
        public void send(String serverId, String message) {
          members.get(serverId).onMessage(message);
        }

        @Override
        public void broadcast(String message) {
          members.forEach((other, m) -> {
            if (!other.equals(id)) {
              m.onMessage(message);
            }
          });
        }

        @Override
        public Duration failureTimeout() {
          return Duration.ofSeconds(5);
        }

        @Override
        public void close() {
          members.remove(id);
        }
      };
    }
  }
}
