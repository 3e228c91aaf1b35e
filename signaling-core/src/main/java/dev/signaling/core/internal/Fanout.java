package dev.signaling.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * What one state change enqueued, and for whom: filled under the state lock, then {@linkplain
 * #flush() flushed} after it is released, so that slow consumers are closed and transports are
 * called outside the lock. The registered connections are served in registration order, and the
 * connection whose register caused the change last, as the original server does (its clients
 * rely on hearing of a join before the joiner hears its answer). Not thread-safe: one per applied
 * change.
 */
final class Fanout {

  private final List<Session> touched = new ArrayList<>(2);
  private List<Session> overflowing;
  /** The sessions of every membership broadcast to; usually one array. */
  private List<Session[]> all;
  /** The connection a register answer went to, served last; or null. */
  private Session answered;

  void enqueue(Session s, Outgoing message) {
    if (s.enqueue(message)) {
      overflow(s);
    }
    touched.add(s);
  }

  /** The list to one connection; {@code answer}: it answers that connection's own register. */
  void snapshot(Session s, Membership m, boolean answer) {
    s.enqueueSnapshot(m, answer);
    touched.add(s);
  }

  /** The list to {@code s} as its register's answer, served last (after the others' messages). */
  void answer(Session s, Membership m) {
    s.enqueueSnapshot(m, true);
    answered = s;
  }

  void toAllBut(Membership m, Session except, Outgoing message) {
    for (Session s : m.sessions()) {
      if (s != except && s.enqueue(message)) {
        overflow(s);
      }
    }
    broadcastTo(m);
  }

  /** The list to every connection of {@code m}; to {@code answered} (or null) as its register's answer. */
  void snapshotToAll(Membership m, Session answered) {
    for (Session s : m.sessions()) {
      s.enqueueSnapshot(m, s == answered);
    }
    if (answered != null) {
      this.answered = answered;
    }
    broadcastTo(m);
  }

  /**
   * {@link #toAllBut} then {@link #snapshotToAll}, in one pass: {@code presence} to every
   * connection of {@code m} but {@code except}, then the list to each.
   */
  void changeToAll(Membership m, Session except, Outgoing presence, Session answered) {
    for (Session s : m.sessions()) {
      if (s.enqueueChange(s == except ? null : presence, m, s == answered)) {
        overflow(s);
      }
    }
    if (answered != null) {
      this.answered = answered;
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
    if (all != null && all.size() == 1) {
      for (Session s : all.get(0)) {
        if (s != answered) {
          s.flushIfIdle();
        }
      }
    } else if (all != null) {
      // Several versions (a server's nodes leaving one by one): flush each session once.
      Set<Session> once = Collections.newSetFromMap(new IdentityHashMap<>());
      for (Session[] sessions : all) {
        for (Session s : sessions) {
          if (s != answered && once.add(s)) {
            s.flushIfIdle();
          }
        }
      }
    }
    for (Session s : touched) {
      if (s != answered) {
        s.flush();
      }
    }
    if (answered != null) {
      answered.flush();
    }
  }
}
