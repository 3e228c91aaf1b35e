package dev.signaling.core.internal;

import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import dev.signaling.core.spi.Connection;
import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.OutboundMessage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A relay on a {@link SteppedScheduler} (its rate limits on the same stepped time), with
 * connections that write into one shared log, so a test sees both what each connection got and in
 * which order the relay served the connections. Synchronous, except behind an authenticator:
 * everything a message causes is in the log when {@code send} returns. A connection can stop
 * reading, to play a slow consumer.
 */
final class WireLog implements AutoCloseable {

  /** One message handed to a connection's transport. */
  record Write(String connection, String text) {}

  final SteppedScheduler time = new SteppedScheduler(1_000_000_000L);
  final Relay relay;
  private final List<Write> writes = new ArrayList<>();

  WireLog(SignalingConfig config) {
    this(config, SignalingListener.NONE);
  }

  WireLog(SignalingConfig config, SignalingListener listener) {
    this(config, listener, null);
  }

  /** A relay that is one server of {@code cluster} (null: in-process). */
  WireLog(SignalingConfig config, SignalingListener listener, Cluster cluster) {
    this.relay = new Relay(config.toBuilder().ticker(time::nanos).build(), listener, cluster, time);
  }

  /** Opens a connection named {@code name}, from no address. */
  Peer connect(String name) {
    return connect(name, null);
  }

  /** Opens a connection named {@code name} from {@code address}. */
  Peer connect(String name, InetSocketAddress address) {
    Peer peer = new Peer(name, new HandshakeRequest("/", "", Map.of(), address));
    peer.handler = relay.open(peer);
    return peer;
  }

  /** Opens a connection named {@code name} and registers it as node {@code name}. */
  Peer registered(String name) {
    Peer peer = connect(name);
    peer.register();
    return peer;
  }

  /** Waits (up to ten seconds) until {@code peer} was written {@code count} messages; returns them all. */
  synchronized List<String> await(Peer peer, int count) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      List<String> texts = new ArrayList<>();
      for (Write w : writes) {
        if (w.connection.equals(peer.name)) {
          texts.add(w.text);
        }
      }
      long left = deadline - System.nanoTime();
      if (texts.size() >= count || left <= 0) {
        return texts;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return texts;
      }
    }
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
    private final HandshakeRequest handshake;
    ConnectionHandler handler;
    volatile String closed;
    private boolean paused;
    private long queued;

    Peer(String name, HandshakeRequest handshake) {
      this.name = name;
      this.handshake = handshake;
    }

    /** Stops reading: what is sent counts as queued and is not logged. */
    void pause() {
      synchronized (WireLog.this) {
        paused = true;
      }
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
      return handshake;
    }

    @Override
    public boolean send(OutboundMessage message) {
      synchronized (WireLog.this) {
        if (closed != null) {
          return false;
        }
        if (paused) {
          queued += message.size();
        } else {
          writes.add(new Write(name, message.text()));
          WireLog.this.notifyAll();
        }
        return true;
      }
    }

    @Override
    public long queuedBytes() {
      synchronized (WireLog.this) {
        return queued;
      }
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
        WireLog.this.notifyAll();
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
