package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The registered nodes at one point of the global order: immutable, published through a volatile
 * field so that readers (heartbeat fan-out, {@code participants()}) never take the state lock.
 * Its {@code participants} message is encoded at most once, and only if some connection is
 * actually sent this version (newer versions usually supersede it first during a join storm).
 */
final class Membership {

  static final Membership EMPTY = new Membership(new Participant[0], new String[0], new Session[0]);

  private final Participant[] participants;
  private final String[] entries;
  private final Session[] sessions;
  private final List<Participant> view;
  private volatile Outgoing encoded;

  Membership(Participant[] participants, String[] entries, Session[] sessions) {
    this.participants = participants;
    this.entries = entries;
    this.sessions = sessions;
    this.view = Collections.unmodifiableList(Arrays.asList(participants));
  }

  /** The version holding these nodes, in this order. */
  static Membership of(Collection<Node> nodes) {
    int n = nodes.size();
    Participant[] participants = new Participant[n];
    String[] entries = new String[n];
    Session[] local = new Session[n];
    int i = 0;
    int l = 0;
    for (Node node : nodes) {
      participants[i] = node.participant;
      entries[i] = node.entry;
      if (node.session != null) {
        local[l++] = node.session;
      }
      i++;
    }
    return new Membership(participants, entries, l == n ? local : Arrays.copyOf(local, l));
  }

  /** This version with {@code node} added at the end: copies arrays instead of walking the nodes. */
  Membership with(Node node) {
    int n = participants.length;
    Participant[] p = Arrays.copyOf(participants, n + 1);
    p[n] = node.participant;
    String[] e = Arrays.copyOf(entries, n + 1);
    e[n] = node.entry;
    Session[] s = sessions;
    if (node.session != null) {
      s = Arrays.copyOf(sessions, sessions.length + 1);
      s[sessions.length] = node.session;
    }
    return new Membership(p, e, s);
  }

  /** The registered nodes, in registration order. */
  List<Participant> participants() {
    return view;
  }

  /** The local sessions that own those nodes, in order (in a cluster, remote nodes have none). Never modify the array. */
  Session[] sessions() {
    return sessions;
  }

  int size() {
    return participants.length;
  }

  /** The {@code participants} message of this version, encoded on first use and then shared. */
  Outgoing message() {
    Outgoing m = encoded;
    if (m == null) {
      synchronized (this) {
        m = encoded;
        if (m == null) {
          m = Codec.participants(entries);
          encoded = m;
        }
      }
    }
    return m;
  }
}
