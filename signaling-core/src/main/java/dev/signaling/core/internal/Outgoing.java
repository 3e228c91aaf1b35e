package dev.signaling.core.internal;

import dev.signaling.core.spi.OutboundMessage;

/**
 * A message the server sends, with its protocol type for the metrics. One instance is shared by
 * every recipient of a broadcast.
 */
record Outgoing(OutboundMessage message, Kind kind) {

  /** The protocol types the server sends. */
  enum Kind {
    PARTICIPANTS("participants"),
    PRESENCE("presence"),
    HEARTBEAT("heartbeat"),
    ROLE_ASSIGN("role-assign"),
    SIGNAL("signal"),
    ERROR("error");

    final String wireName;

    Kind(String wireName) {
      this.wireName = wireName;
    }
  }

  int size() {
    return message.size();
  }

  String text() {
    return message.text();
  }
}
