package dev.signaling.client;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records every callback of a {@link SignalingClient} as an event, with the thread it ran on and
 * the client's state at that moment, and lets a test wait (with a timeout, never by sleeping)
 * for the next event that matches.
 */
class ClientRecorder implements SignalingClient.Listener {

  record Registered(ClientState state) {}

  record Participants(List<Participant> participants) {
    List<String> nodeIds() {
      return participants.stream().map(Participant::nodeId).toList();
    }
  }

  record HeartbeatFrom(String from) {}

  record Closed(ClientState state) {}

  private final List<Object> events = new ArrayList<>();
  private final List<String> states = new ArrayList<>();
  private final BitSet consumed = new BitSet();
  final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

  /**
   * The first event of this type that matches and that no earlier call returned, waiting up to
   * {@link Loopback#TIMEOUT}.
   */
  <T> T await(Class<T> type, Predicate<? super T> matches) {
    long deadline = System.nanoTime() + Loopback.TIMEOUT.toNanos();
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
              + Loopback.TIMEOUT + "; events: " + events);
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

  /** The client's state during each callback so far, as {@code "<event type> <state>"}. */
  synchronized List<String> states() {
    return List.copyOf(states);
  }

  private void add(Object event) {
    add(event, null);
  }

  private synchronized void add(Object event, SignalingClient client) {
    callbackThreads.add(Thread.currentThread().getName());
    events.add(event);
    if (client != null) {
      states.add(event.getClass().getSimpleName() + " " + client.state());
    }
    notifyAll();
  }

  @Override
  public void onRegistered(SignalingClient client) {
    add(new Registered(client.state()));
  }

  @Override
  public void onRegisterFailed(SignalingClient client, RegisterRefusal refusal) {
    add(refusal, client);
  }

  @Override
  public void onParticipants(SignalingClient client, List<Participant> participants) {
    add(new Participants(participants), client);
  }

  @Override
  public void onPresence(SignalingClient client, Presence presence) {
    add(presence);
  }

  @Override
  public void onHeartbeat(SignalingClient client, String from) {
    add(new HeartbeatFrom(from));
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
    add(disconnect, client);
  }

  @Override
  public void onClosed(SignalingClient client) {
    add(new Closed(client.state()));
  }
}
