package dev.signaling.transport.javawebsocket;

/**
 * Where one connection reserves the bytes it holds of messages not yet received whole: its share
 * of the server-wide {@code InboundBudget}. The socket implements it, opening its budget account
 * only when it first holds something, so that an idle connection costs no account.
 */
interface InboundAccount {

  /** Reserves nothing: for the endpoint's draft template, which never decodes. */
  InboundAccount NONE = new InboundAccount() {
    @Override
    public boolean reserve(long bytes) {
      return true;
    }

    @Override
    public void release(long bytes) {
      // nothing reserved
    }
  };

  /**
   * Reserves {@code bytes} more.
   *
   * @return {@code false} when the budget shed this connection: it stops buffering, and is being
   *     closed with {@code 1009}
   */
  boolean reserve(long bytes);

  /** Gives back {@code bytes} (at most what is held). */
  void release(long bytes);
}
