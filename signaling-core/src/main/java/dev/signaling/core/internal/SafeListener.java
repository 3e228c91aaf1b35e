package dev.signaling.core.internal;

import dev.signaling.core.ConnectionInfo;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.Ticker;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards events to the application's listener; whatever it throws is logged (throttled: a
 * broken listener would otherwise log once per message) and ignored.
 */
final class SafeListener implements SignalingListener {

  private static final Logger log = LoggerFactory.getLogger(SafeListener.class);

  private final SignalingListener delegate;
  private final ThrottledWarning warning;

  SafeListener(SignalingListener delegate, Ticker ticker) {
    this.delegate = delegate;
    this.warning = new ThrottledWarning(log, ticker);
  }

  private void guard(String event, Runnable call) {
    try {
      call.run();
    } catch (RuntimeException | Error e) {
      warning.log("Signaling listener threw from {}; ignored", event, e);
    }
  }

  @Override
  public void connectionOpened(ConnectionInfo c) {
    guard("connectionOpened", () -> delegate.connectionOpened(c));
  }

  @Override
  public void connectionClosed(ConnectionInfo c, int code, String reason, boolean remote) {
    guard("connectionClosed", () -> delegate.connectionClosed(c, code, reason, remote));
  }

  @Override
  public void nodeJoined(Participant p) {
    guard("nodeJoined", () -> delegate.nodeJoined(p));
  }

  @Override
  public void nodeLeft(Participant p) {
    guard("nodeLeft", () -> delegate.nodeLeft(p));
  }

  @Override
  public void nodeReplaced(Participant previous, Participant current) {
    guard("nodeReplaced", () -> delegate.nodeReplaced(previous, current));
  }

  @Override
  public void roleAssigned(String from, String nodeId, List<String> roles) {
    guard("roleAssigned", () -> delegate.roleAssigned(from, nodeId, roles));
  }

  @Override
  public void signalRelayed(String from, String to) {
    guard("signalRelayed", () -> delegate.signalRelayed(from, to));
  }

  @Override
  public void signalRefused(ConnectionInfo c, String error) {
    guard("signalRefused", () -> delegate.signalRefused(c, error));
  }

  @Override
  public void rateLimited(ConnectionInfo c) {
    guard("rateLimited", () -> delegate.rateLimited(c));
  }

  @Override
  public void slowConsumer(ConnectionInfo c) {
    guard("slowConsumer", () -> delegate.slowConsumer(c));
  }

  @Override
  public void serverFailed(Throwable cause) {
    guard("serverFailed", () -> delegate.serverFailed(cause));
  }
}
