package dev.signaling.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What one state change enqueued, and for whom: filled under the state lock, then {@linkplain
 * #flush() flushed} after it is released, so that slow consumers are closed and transports are
 * called outside the lock. Not thread-safe: one per applied change.
 */
final class Fanout {

  private final List<Session> touched = new ArrayList<>(2);
  private List<Session> overflowing;
  /** The sessions of every membership broadcast to; usually one array. */
  private List<Session[]> all;

  void enqueue(Session s, Outgoing message) {
    if (s.enqueue(message)) {
      overflow(s);
    }
    touched.add(s);
  }

  void snapshot(Session s, Membership m) {
    s.enqueueSnapshot(m);
    touched.add(s);
  }

  void toAllBut(Membership m, Session except, Outgoing message) {
    for (Session s : m.sessions()) {
      if (s != except && s.enqueue(message)) {
        overflow(s);
      }
    }
    broadcastTo(m);
  }

  void snapshotToAll(Membership m) {
    for (Session s : m.sessions()) {
      s.enqueueSnapshot(m);
    }
    broadcastTo(m);
  }

  private void broadcastTo(Membership m) {
    if (all == null) {
      all = new ArrayList<>(1);
    }
    if (all.isEmpty() || all.get(all.size() - 1) != m.sessions()) {
      all.add(m.sessions());
    }
  }

  private void overflow(Session s) {
    if (overflowing == null) {
      overflowing = new ArrayList<>();
    }
    overflowing.add(s);
  }

  /** Closes the slow consumers, then hands what was enqueued to the transports. */
  void flush() {
    if (overflowing != null) {
      overflowing.forEach(Session::slowConsumer);
    }
    touched.forEach(Session::flush);
    if (all == null) {
      return;
    }
    if (all.size() == 1) {
      for (Session s : all.get(0)) {
        s.flushIfIdle();
      }
    } else {
      // Several versions (a server's nodes leaving one by one): flush each session once.
      Set<Session> once = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Session[] sessions : all) {
        for (Session s : sessions) {
          if (once.add(s)) {
            s.flushIfIdle();
          }
        }
      }
    }
  }
}
