package dev.signaling.testkit;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Puts joins and leaves in a queue as {@code "joined a"} / {@code "left a"}, for tests to wait on. */
public final class QueueListener implements SignalingListener {

  /** The events, in the order they happened. */
  public final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  @Override
  public void nodeJoined(Participant participant) {
    events.add("joined " + participant.nodeId());
  }

  @Override
  public void nodeLeft(Participant participant) {
    events.add("left " + participant.nodeId());
  }
}
