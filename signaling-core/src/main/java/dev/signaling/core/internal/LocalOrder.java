package dev.signaling.core.internal;

/** The in-process {@link EventOrder}: one server, each event applied as it is submitted. */
final class LocalOrder implements EventOrder {

  private final Replica replica;

  LocalOrder(Replica replica) {
    this.replica = replica;
  }

  @Override
  public String server() {
    return "";
  }

  @Override
  public Fanout enter(Event event) {
    return replica.apply(event, Replica.NEXT);
  }

  @Override
  public void forward(String server, String to, String signal) {
    // Routes never name another server in-process.
    throw new IllegalStateException("no other server to forward to: " + server);
  }

  @Override
  public void disconnect(String server, String nodeId, String reason) {
    throw new IllegalStateException("no other server to disconnect on: " + server);
  }

  @Override
  public void heartbeat(String message) {
    // No other server to tell.
  }

  @Override
  public void close() {
    // Nothing to leave.
  }
}
