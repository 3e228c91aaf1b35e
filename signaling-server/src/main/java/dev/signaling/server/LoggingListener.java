package dev.signaling.server;

import dev.signaling.core.Participant;
import dev.signaling.core.SignalingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs membership changes at DEBUG: one line per register or close is per-message logging, which
 * stays below INFO. The hub calls it on transport threads, so it only logs. NodeIds and usernames
 * are client text: control characters are escaped, so that no client can forge a line.
 */
final class LoggingListener implements SignalingListener {

  private static final Logger log = LoggerFactory.getLogger(ServerMain.class);

  @Override
  public void nodeJoined(Participant p) {
    log.debug("Node joined: {} ({})", printable(p.nodeId()), printable(p.username()));
  }

  @Override
  public void nodeLeft(Participant p) {
    log.debug("Node left: {} ({})", printable(p.nodeId()), printable(p.username()));
  }

  @Override
  public void nodeReplaced(Participant previous, Participant current) {
    log.debug("Node moved to a new connection: {} ({})", printable(current.nodeId()), printable(current.username()));
  }

  /** {@code text} with every control character written as {@code \\uXXXX}. */
  static String printable(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (out == null) {
          out = new StringBuilder(text.length() + 8).append(text, 0, i);
        }
        out.append(String.format("\\u%04x", (int) c));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
