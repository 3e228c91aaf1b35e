package dev.signaling.testkit;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link dev.signaling.core.SignalingListener} that records events as short strings such as
 * {@code "joined a"}, {@code "closed 1000 by client"} or {@code "slow consumer"}, and lets a test
 * wait for one with a timeout (over sockets, close events arrive asynchronously).
 */
public final class RecordingListener implements SignalingListener {
  private final List<String> events = new ArrayList<>();

  /** The events so far, in order. */
  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** The events so far that start with one of these prefixes, in order. */
  public synchronized List<String> events(String... prefixes) {
    return events.stream().filter(e -> Arrays.stream(prefixes).anyMatch(e::startsWith)).toList();
  }

  /** Waits until an event equal to {@code event} has been recorded. */
  public void await(String event) {
    awaitAny("event '" + event + "'", e -> e.equals(event));
  }

  /** Waits until an event starting with {@code prefix} has been recorded, and returns the first. */
  public String awaitPrefix(String prefix) {
    return awaitAny("an event '" + prefix + "...'", e -> e.startsWith(prefix));
  }

  private String awaitAny(String what, Predicate<String> match) {
    try {
      Waits.until(what, () -> events().stream().anyMatch(match));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; got " + events(), e);
    }
    return events().stream().filter(match).findFirst().orElseThrow();
  }

  private synchronized void add(String event) {
    events.add(event);
  }

  @Override
  public void connectionOpened(ConnectionInfo c) {
    add("opened");
  }

  @Override
  public void connectionClosed(ConnectionInfo c, int code, String reason, boolean remote) {
    add("closed " + code + (remote ? " by client" : " by server"));
  }

  @Override
  public void nodeJoined(Participant p) {
    add("joined " + p.nodeId());
  }

  @Override
  public void nodeLeft(Participant p) {
    add("left " + p.nodeId());
  }

  @Override
  public void nodeReplaced(Participant previous, Participant current) {
    add("replaced " + previous.nodeId() + " " + previous.username() + "->" + current.username());
  }

  @Override
  public void roleAssigned(String from, String nodeId, List<String> roles) {
    add("roles " + from + " " + nodeId + " " + roles);
  }

  @Override
  public void signalRelayed(String from, String to) {
    add("relayed " + from + " " + to);
  }

  @Override
  public void signalRefused(ConnectionInfo c, String error) {
    add("refused " + error);
  }

  @Override
  public void rateLimited(ConnectionInfo c) {
    add("rate-limited");
  }

  @Override
  public void slowConsumer(ConnectionInfo c) {
    add("slow consumer");
  }
}
