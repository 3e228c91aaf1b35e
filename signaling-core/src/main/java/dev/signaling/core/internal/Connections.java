package dev.signaling.core.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** This server's open connections, by number. Thread-safe. */
final class Connections {

  private final ConcurrentHashMap<Long, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong numbers = new AtomicLong();

  /** The number for the next connection: unique on this server. */
  long nextNumber() {
    return numbers.incrementAndGet();
  }

  void add(Session session) {
    sessions.put(session.number(), session);
  }

  void remove(Session session) {
    sessions.remove(session.number());
  }

  /** The open session with this number, or null. */
  Session get(long number) {
    return sessions.get(number);
  }

  int size() {
    return sessions.size();
  }

  /** A live view of the open sessions. */
  Collection<Session> all() {
    return sessions.values();
  }

  /** A copy of the open sessions. */
  List<Session> snapshot() {
    return new ArrayList<>(sessions.values());
  }

  /** The most bytes queued for any one connection. */
  long maxQueuedBytes() {
    long max = 0;
    for (Session s : sessions.values()) {
      max = Math.max(max, s.queuedBytes());
    }
    return max;
  }
}
