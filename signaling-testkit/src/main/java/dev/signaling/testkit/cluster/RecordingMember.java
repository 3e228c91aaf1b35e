package dev.signaling.testkit.cluster;

import dev.signaling.core.cluster.ClusterMember;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ClusterMember} that records what its cluster delivers: events as {@code
 * "event@position"}, servers gone, resets and messages. On a reset it returns {@code
 * "republished by <name>"}.
 */
public final class RecordingMember implements ClusterMember {

  private final String name;
  private final List<String> events = new ArrayList<>();
  private final List<Long> positions = new ArrayList<>();
  private final List<String> gone = new ArrayList<>();
  private final List<String> messages = new ArrayList<>();
  private int resets;

  /** A member named {@code name} (its re-publication carries the name). */
  public RecordingMember(String name) {
    this.name = name;
  }

  /** The events delivered so far, in log order. */
  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** The positions of those events, in log order. */
  public synchronized List<Long> positions() {
    return List.copyOf(positions);
  }

  /** The servers declared gone so far, in log order. */
  public synchronized List<String> gone() {
    return List.copyOf(gone);
  }

  /** The messages received so far, in arrival order. */
  public synchronized List<String> messages() {
    return List.copyOf(messages);
  }

  /** How many log resets were delivered. */
  public synchronized int resets() {
    return resets;
  }

  /** What this member re-publishes after a reset. */
  public String republication() {
    return "republished by " + name;
  }

  @Override
  public synchronized void onEvent(String event, long position) {
    events.add(event);
    positions.add(position);
  }

  @Override
  public synchronized void onServerGone(String serverId) {
    gone.add(serverId);
  }

  @Override
  public synchronized String onLogReset() {
    resets++;
    return republication();
  }

  @Override
  public synchronized void onMessage(String message) {
    messages.add(message);
  }

  @Override
  public String toString() {
    return name;
  }
}
