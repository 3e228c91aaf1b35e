package dev.signaling.core.testkit;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records listener events as short strings such as {@code "joined a"}. */
public final class RecordingListener implements SignalingListener {
  private final List<String> events = new CopyOnWriteArrayList<>();

  /** The events so far, in order. */
  public List<String> events() {
    return List.copyOf(events);
  }

  @Override
  public void nodeJoined(Participant p) {
    events.add("joined " + p.nodeId());
  }

  @Override
  public void nodeLeft(Participant p) {
    events.add("left " + p.nodeId());
  }

  @Override
  public void nodeReplaced(Participant previous, Participant current) {
    events.add("replaced " + previous.nodeId() + " " + previous.username() + "->" + current.username());
  }
}
