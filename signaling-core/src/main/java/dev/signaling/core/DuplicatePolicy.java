package dev.signaling.core;

/** What a {@code register} does when another connection already holds the same {@code nodeId}. */
public enum DuplicatePolicy {
  /**
   * The newer registration wins: the older connection receives {@code error "replaced by a newer
   * registration"} and is closed with code {@code 4001}; the node keeps its place and its roles.
   */
  REPLACE,
  /** The newer registration is refused with {@code error "nodeId already registered"}. */
  REJECT
}
