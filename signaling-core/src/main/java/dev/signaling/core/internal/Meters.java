package dev.signaling.core.internal;

import dev.signaling.core.SignalingMetrics;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The hub's counters: striped adders, so that counting never serialises connections. */
final class Meters {

  /** Inbound message categories, as reported in {@link SignalingMetrics#messagesIn()}. */
  enum In {
    REGISTER("register"),
    HEARTBEAT("heartbeat"),
    ROLE_ASSIGN("role-assign"),
    SIGNAL("signal"),
    INVALID("invalid"),
    UNKNOWN("unknown"),
    DROPPED("dropped");

    final String label;

    In(String label) {
      this.label = label;
    }
  }

  private final LongAdder[] in = adders(In.values().length);
  private final LongAdder[] out = adders(Outgoing.Kind.values().length);
  private final LongAdder bytesIn = new LongAdder();
  private final LongAdder bytesOut = new LongAdder();
  private final ConcurrentHashMap<String, LongAdder> errors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();
  private final LongAdder signalsRefused = new LongAdder();

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  void received(In category, long bytes) {
    in[category.ordinal()].increment();
    bytesIn.add(bytes);
  }

  void sent(Outgoing message) {
    out[message.kind().ordinal()].increment();
    bytesOut.add(message.size());
  }

  void error(String text) {
    errors.computeIfAbsent(text, t -> new LongAdder()).increment();
  }

  void signalRefused() {
    signalsRefused.increment();
  }

  void closed(int code) {
    closes.computeIfAbsent(code, c -> new LongAdder()).increment();
  }

  SignalingMetrics snapshot(int connections, int nodes, long maxQueuedBytes) {
    Map<String, Long> inMap = new TreeMap<>();
    for (In c : In.values()) {
      inMap.put(c.label, in[c.ordinal()].sum());
    }
    Map<String, Long> outMap = new TreeMap<>();
    for (Outgoing.Kind k : Outgoing.Kind.values()) {
      outMap.put(k.wireName, out[k.ordinal()].sum());
    }
    Map<String, Long> errorMap = new TreeMap<>();
    errors.forEach((text, n) -> errorMap.put(text, n.sum()));
    Map<Integer, Long> closeMap = new TreeMap<>();
    closes.forEach((code, n) -> closeMap.put(code, n.sum()));
    return new SignalingMetrics(connections, nodes, inMap, outMap, bytesIn.sum(), bytesOut.sum(),
        errorMap, closeMap, signalsRefused.sum(), maxQueuedBytes);
  }
}
