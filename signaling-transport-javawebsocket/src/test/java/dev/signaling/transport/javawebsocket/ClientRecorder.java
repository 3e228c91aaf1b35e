package dev.signaling.transport.javawebsocket;

import dev.signaling.core.Participant;
import dev.signaling.testkit.TestClient;
import dev.signaling.transport.javawebsocket.SignalingClient.Disconnect;
import dev.signaling.transport.javawebsocket.SignalingClient.Presence;
import dev.signaling.transport.javawebsocket.SignalingClient.RoleAssignment;
import dev.signaling.transport.javawebsocket.SignalingClient.ServerError;
import dev.signaling.transport.javawebsocket.SignalingClient.Signal;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records every callback of a {@link SignalingClient} as an event, with the thread it ran on, and
 * lets a test wait (with a timeout, never by sleeping) for the next event that matches.
 */
class ClientRecorder implements SignalingClient.Listener {

  record Connected() {}

  record Participants(List<Participant> participants) {
    List<String> nodeIds() {
      return participants.stream().map(Participant::nodeId).toList();
    }
  }

  record Heartbeat(String from) {}

  record Closed() {}

  private final List<Object> events = new ArrayList<>();
  private final BitSet consumed = new BitSet();
  final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

  /**
   * The first event of this type that matches and that no earlier call returned, waiting up to
   * {@link TestClient#TIMEOUT}.
   */
  <T> T await(Class<T> type, Predicate<? super T> matches) {
    long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos();
    synchronized (this) {
      while (true) {
        for (int i = consumed.nextClearBit(0); i < events.size(); i = consumed.nextClearBit(i + 1)) {
          Object event = events.get(i);
          if (type.isInstance(event) && matches.test(type.cast(event))) {
            consumed.set(i);
            return type.cast(event);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("no " + type.getSimpleName() + " that matches within "
              + TestClient.TIMEOUT + "; events: " + events);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    }
  }

  <T> T await(Class<T> type) {
    return await(type, any -> true);
  }

  /** Every event of this type so far, consumed or not. */
  synchronized <T> List<T> all(Class<T> type) {
    return events.stream().filter(type::isInstance).map(type::cast).toList();
  }

  synchronized List<Object> events() {
    return List.copyOf(events);
  }

  private synchronized void add(Object event) {
    callbackThreads.add(Thread.currentThread().getName());
    events.add(event);
    notifyAll();
  }

  @Override
  public void onConnected(SignalingClient client) {
    add(new Connected());
  }

  @Override
  public void onParticipants(SignalingClient client, List<Participant> participants) {
    add(new Participants(participants));
  }

  @Override
  public void onPresence(SignalingClient client, Presence presence) {
    add(presence);
  }

  @Override
  public void onHeartbeat(SignalingClient client, String from) {
    add(new Heartbeat(from));
  }

  @Override
  public void onRoleAssign(SignalingClient client, RoleAssignment assignment) {
    add(assignment);
  }

  @Override
  public void onSignal(SignalingClient client, Signal signal) {
    add(signal);
  }

  @Override
  public void onError(SignalingClient client, ServerError error) {
    add(error);
  }

  @Override
  public void onDisconnected(SignalingClient client, Disconnect disconnect) {
    add(disconnect);
  }

  @Override
  public void onClosed(SignalingClient client) {
    add(new Closed());
  }
}
