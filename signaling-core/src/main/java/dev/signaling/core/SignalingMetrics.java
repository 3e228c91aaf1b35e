package dev.signaling.core;

import java.util.Map;

/**
 * A point-in-time reading of the hub's counters; see {@link SignalingHub#metrics()}. Counters
 * only grow for the lifetime of the hub; gauges ({@code connectionsOpen}, {@code
 * nodesRegistered}, {@code maxQueuedBytes}) are current values.
 *
 * @param connectionsOpen connections attached now, registered or not
 * @param nodesRegistered registered nodes now
 * @param messagesIn messages received, by {@code type}; malformed ones under {@code "invalid"},
 *     types the server does not take under {@code "unknown"}, rate-limited ones under {@code
 *     "dropped"}
 * @param messagesOut messages handed to the transport, by {@code type} (a superseded {@code
 *     participants} snapshot that was never sent does not count)
 * @param bytesIn UTF-8 bytes of messages received
 * @param bytesOut UTF-8 bytes of messages handed to the transport
 * @param errors {@code error} messages sent, by error text
 * @param closes connections closed, by close code
 * @param signalsRefused signals answered with an error instead of being forwarded
 * @param maxQueuedBytes the most unsent bytes any one connection has right now
 */
public record SignalingMetrics(
    int connectionsOpen,
    int nodesRegistered,
    Map<String, Long> messagesIn,
    Map<String, Long> messagesOut,
    long bytesIn,
    long bytesOut,
    Map<String, Long> errors,
    Map<Integer, Long> closes,
    long signalsRefused,
    long maxQueuedBytes) {

  /**
   * Copies the maps, so a reading never changes.
   *
   * @param connectionsOpen connections attached now, registered or not
   * @param nodesRegistered registered nodes now
   * @param messagesIn messages received, by {@code type}; malformed ones under {@code "invalid"},
   *     types the server does not take under {@code "unknown"}, rate-limited ones under {@code
   *     "dropped"}
   * @param messagesOut messages handed to the transport, by {@code type} (a superseded {@code
   *     participants} snapshot that was never sent does not count)
   * @param bytesIn UTF-8 bytes of messages received
   * @param bytesOut UTF-8 bytes of messages handed to the transport
   * @param errors {@code error} messages sent, by error text
   * @param closes connections closed, by close code
   * @param signalsRefused signals answered with an error instead of being forwarded
   * @param maxQueuedBytes the most unsent bytes any one connection has right now
   */
  public SignalingMetrics {
    messagesIn = Map.copyOf(messagesIn);
    messagesOut = Map.copyOf(messagesOut);
    errors = Map.copyOf(errors);
    closes = Map.copyOf(closes);
  }
}
