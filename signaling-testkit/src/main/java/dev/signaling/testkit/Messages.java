package dev.signaling.testkit;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The protocol's messages as the server writes them (docs/protocol.md), for exact comparisons: a
 * test compares what a client received with these strings character for character.
 */
public final class Messages {

  /** A message of a type the server does not know; its answer is {@link #UNKNOWN_TYPE}. */
  public static final String PROBE = "{\"type\":\"probe\"}";
  /** The server's answer to {@link #PROBE}. */
  public static final String UNKNOWN_TYPE = "{\"type\":\"error\",\"error\":\"unknown type\"}";

  private Messages() {}

  /** A register without keys. */
  public static String register(String nodeId, String username) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + username + "\"}";
  }

  /** A register whose username is the nodeId. */
  public static String register(String nodeId) {
    return register(nodeId, nodeId);
  }

  /** An error message with this text. */
  public static String error(String text) {
    return "{\"type\":\"error\",\"error\":\"" + text + "\"}";
  }

  /** A participants message; each entry is {@code "nodeId:username"}, or a nodeId that is also the username. */
  public static String participants(String... entries) {
    return "{\"type\":\"participants\",\"participants\":["
        + Arrays.stream(entries)
            .map(e -> e.contains(":") ? e.split(":", 2) : new String[] {e, e})
            .map(e -> "{\"nodeId\":\"" + e[0] + "\",\"username\":\"" + e[1] + "\"}")
            .collect(Collectors.joining(","))
        + "]}";
  }

  /** A presence message without keys ({@code action} is {@code join} or {@code leave}). */
  public static String presence(String action, String nodeId, String username) {
    return "{\"type\":\"presence\",\"action\":\"" + action + "\",\"nodeId\":\"" + nodeId
        + "\",\"username\":\"" + username + "\",\"publicKey\":\"\"}";
  }

  /** A presence message whose username is the nodeId. */
  public static String presence(String action, String nodeId) {
    return presence(action, nodeId, nodeId);
  }

  /** A signal; {@code payload} is raw JSON. */
  public static String signal(String from, String to, String payload) {
    return "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":" + payload + "}";
  }

  /** The server's answer to a signal for a node it does not know. */
  public static String peerNotFound(String to) {
    return "{\"type\":\"error\",\"error\":\"peer not found\",\"to\":\"" + to + "\"}";
  }
}
