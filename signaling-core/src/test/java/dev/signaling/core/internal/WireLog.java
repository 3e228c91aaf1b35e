package dev.signaling.core.internal;

import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.OutboundMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * A relay on a {@link SteppedScheduler}, with connections that write into one shared log, so a
 * test sees both what each connection got and in which order the relay served the connections.
 * Synchronous: everything a message causes is in the log when {@code send} returns.
 */
final class WireLog implements AutoCloseable {

  /** One message handed to a connection's transport. */
  record Write(String connection, String text) {}

  final SteppedScheduler time = new SteppedScheduler(1_000_000_000L);
  final Relay relay;
  private final List<Write> writes = new ArrayList<>();

  WireLog(SignalingConfig config) {
    this.relay = new Relay(config, SignalingListener.NONE, null, time);
  }

  /** Opens a connection named {@code name}. */
  Peer connect(String name) {
    Peer peer = new Peer(name);
    peer.handler = relay.open(peer);
    return peer;
  }

  /** Every write so far, in order, and forgets them. */
  synchronized List<Write> take() {
    List<Write> all = new ArrayList<>(writes);
    writes.clear();
    return all;
  }

  /** The texts written to {@code peer} so far (and forgets every write). */
  List<String> takeFor(Peer peer) {
    List<String> texts = new ArrayList<>();
    for (Write w : take()) {
      if (w.connection.equals(peer.name)) {
        texts.add(w.text);
      }
    }
    return texts;
  }

  @Override
  public void close() {
    relay.close();
  }

  /** One client connection. */
  final class Peer implements Connection {
    final String name;
    ConnectionHandler handler;
    String closed;

    Peer(String name) {
      this.name = name;
    }

    void send(String text) {
      handler.onText(text);
    }

    void register() {
      send("{\"type\":\"register\",\"nodeId\":\"" + name + "\",\"username\":\"u" + name + "\"}");
    }

    @Override
    public String id() {
      return name;
    }

    @Override
    public HandshakeRequest handshake() {
      return HandshakeRequest.none();
    }

    @Override
    public boolean send(OutboundMessage message) {
      synchronized (WireLog.this) {
        if (closed != null) {
          return false;
        }
        writes.add(new Write(name, message.text()));
        return true;
      }
    }

    @Override
    public long queuedBytes() {
      return 0;
    }

    @Override
    public void close(int code, String reason) {
      abort(code, reason);
    }

    @Override
    public void abort(int code, String reason) {
      synchronized (WireLog.this) {
        if (closed != null) {
          return;
        }
        closed = code + " " + reason;
      }
      handler.onClose(code, reason, false);
    }
  }

  static String list(String... ids) {
    List<String> entries = new ArrayList<>();
    for (String id : ids) {
      entries.add("{\"nodeId\":\"" + id + "\",\"username\":\"u" + id + "\"}");
    }
    return "{\"type\":\"participants\",\"participants\":[" + String.join(",", entries) + "]}";
  }

  static String join(String id) {
    return "{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"" + id + "\",\"username\":\"u" + id
        + "\",\"publicKey\":\"\"}";
  }
}
