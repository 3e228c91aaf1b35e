package dev.signaling.core.internal;

import dev.signaling.core.Participant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code presence} events that take clients from the list they were told to a new one, such
 * that a client that only follows events ends with the new list, in its order: it removes a node
 * on {@code leave}, updates a node it holds in place on a {@code join} of its nodeId (as after a
 * {@code REPLACE}), and appends any other joining node. So the longest head of the new list that
 * clients already hold, in the same order, stays; every other known node leaves, and the rest of
 * the new list joins after it, in order.
 *
 * <p>A node is the same registration only with the same nodeId <em>and</em> the same rank (the log
 * position of its registration): a node that was announced as gone and came back, at the end,
 * leaves and joins again even where its place looks the same, since its roles were forgotten.
 */
final class MembershipDiff {

  /** A node as clients were told it: its details, its registration's rank, and its session here. */
  record Seen(Participant participant, long rank, Session session) {
    static Seen of(Node node) {
      return new Seen(node.participant, node.rank, node.session);
    }
  }

  /** Known nodes that leave, in the order clients know them. */
  final List<Seen> left = new ArrayList<>();
  /** Nodes that join, in the new order: updated in place, then appended. */
  final List<Node> joined = new ArrayList<>();
  /** For each of {@link #joined}: its details as clients knew them (updated in place), or null. */
  final List<Participant> previous = new ArrayList<>();

  private MembershipDiff() {}

  static MembershipDiff between(List<Seen> told, List<Node> now) {
    MembershipDiff diff = new MembershipDiff();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < told.size(); i++) {
      index.put(told.get(i).participant().nodeId(), i);
    }
    boolean[] kept = new boolean[told.size()];
    int last = -1;
    int head = 0;
    for (Node node : now) {
      Integer i = index.get(node.nodeId());
      if (i == null || i < last || told.get(i).rank() != node.rank) {
        break;
      }
      kept[i] = true;
      last = i;
      head++;
      Participant before = told.get(i).participant();
      if (!before.equals(node.participant)) {
        diff.joined.add(node);
        diff.previous.add(before);
      }
    }
    for (int i = 0; i < told.size(); i++) {
      if (!kept[i]) {
        diff.left.add(told.get(i));
      }
    }
    for (Node node : now.subList(head, now.size())) {
      diff.joined.add(node);
      diff.previous.add(null);
    }
    return diff;
  }
}
