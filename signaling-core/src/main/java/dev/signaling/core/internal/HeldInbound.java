package dev.signaling.core.internal;

import java.util.ArrayDeque;

/**
 * What one connection sends while its register waits for the authenticator: held, in order,
 * and handled once the check is done, so that the answer and everything after it come in the
 * same order as without a check. Bounded ({@link #MAX_MESSAGES}, {@link #MAX_CHARS}); beyond, a
 * message is dropped as over a rate limit. Only connections whose register is queued for the
 * authenticator hold anything, and that queue is bounded, so the whole is bounded too.
 */
final class HeldInbound {

  /** Messages held at most. */
  static final int MAX_MESSAGES = 64;
  /** Characters held at most. */
  static final int MAX_CHARS = 64 * 1024;

  /** What {@link #offer} did with a message. */
  enum Verdict {
    /** Nothing is held: handle it now. */
    FREE,
    /** Held behind the register. */
    HELD,
    /** Over the bound: drop it. */
    FULL
  }

  /** One held message. */
  record Message(String text, int utf8Length) {}

  /** Set while a register waits for its check or held messages are handled; read lock-free. */
  private volatile boolean holding;
  // Guarded by this.
  private boolean awaitingCheck;
  private ArrayDeque<Message> messages;
  private long chars;

  /** Holds {@code text} if something is held or checked now; cheap when nothing is. */
  Verdict offer(String text, int utf8Length) {
    if (!holding) {
      return Verdict.FREE;
    }
    synchronized (this) {
      if (!holding) {
        return Verdict.FREE; // the held ones were all handled meanwhile
      }
      if (messages == null) {
        messages = new ArrayDeque<>();
      }
      if (messages.size() >= MAX_MESSAGES || chars + text.length() > MAX_CHARS) {
        return Verdict.FULL;
      }
      messages.add(new Message(text, utf8Length));
      chars += text.length();
      return Verdict.HELD;
    }
  }

  /**
   * A register goes to the check: what follows is held.
   *
   * @return whether messages were held already (the register is itself a held one); for {@link
   *     #cancelCheck}
   */
  synchronized boolean awaitCheck() {
    boolean was = holding;
    holding = true;
    awaitingCheck = true;
    return was;
  }

  /**
   * The check could not be queued after all: back to how it was before {@link #awaitCheck}
   * (nothing was held meanwhile: only the connection's own thread offers messages, and it is
   * the caller).
   */
  synchronized void cancelCheck(boolean wasHolding) {
    awaitingCheck = false;
    holding = wasHolding;
  }

  /** The check is done. */
  synchronized void checked() {
    awaitingCheck = false;
  }

  /**
   * The next held message to handle, or null when none is left (holding ends) or a register
   * handled meanwhile waits for its own check (holding goes on).
   */
  synchronized Message next() {
    if (awaitingCheck) {
      return null;
    }
    Message next = messages == null ? null : messages.poll();
    if (next == null) {
      holding = false;
      messages = null;
      chars = 0;
      return null;
    }
    chars -= next.text().length();
    return next;
  }

  /** Drops everything held (the connection closed). */
  synchronized void clear() {
    messages = null;
    chars = 0;
  }
}
