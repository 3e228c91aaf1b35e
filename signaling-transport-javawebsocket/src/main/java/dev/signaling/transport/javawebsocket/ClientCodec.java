package dev.signaling.transport.javawebsocket;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.signaling.core.Participant;
import dev.signaling.transport.javawebsocket.SignalingClient.Presence;
import dev.signaling.transport.javawebsocket.SignalingClient.RoleAssignment;
import dev.signaling.transport.javawebsocket.SignalingClient.ServerError;
import dev.signaling.transport.javawebsocket.SignalingClient.Signal;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The client's side of the wire format, in one place: reads what the server sends into the
 * client's records, and writes what the client sends as compact JSON.
 */
final class ClientCodec {

  private ClientCodec() {}

  /** A {@code participants} message. */
  record ParticipantList(List<Participant> participants) {}

  /** A {@code heartbeat} message. */
  record Heartbeat(String from) {}

  /**
   * Reads one message from the server.
   *
   * @return a {@link ParticipantList}, {@link Presence}, {@link Heartbeat}, {@link RoleAssignment},
   *     {@link Signal} or {@link ServerError}; {@code null} for a message that is not one of those
   *     (unknown type, missing fields, not JSON), which the client ignores
   */
  static Object decode(String text) {
    JsonObject message;
    try {
      JsonElement parsed = JsonParser.parseString(text);
      if (!parsed.isJsonObject()) {
        return null;
      }
      message = parsed.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      return null;
    }
    String type = string(message, "type");
    if (type == null) {
      return null;
    }
    return switch (type) {
      case "participants" -> participants(message);
      case "presence" -> presence(message);
      case "heartbeat" -> heartbeat(message);
      case "role-assign" -> roleAssignment(message);
      case "signal" -> signal(message, text);
      case "error" -> error(message);
      default -> null;
    };
  }

  private static ParticipantList participants(JsonObject message) {
    if (!(message.get("participants") instanceof JsonArray array)) {
      return null;
    }
    List<Participant> participants = new ArrayList<>(array.size());
    for (JsonElement element : array) {
      if (!element.isJsonObject()) {
        return null;
      }
      JsonObject entry = element.getAsJsonObject();
      String nodeId = string(entry, "nodeId");
      String username = string(entry, "username");
      if (nodeId == null || username == null) {
        return null;
      }
      // The participants message carries no publicKey (presence does).
      participants.add(new Participant(nodeId, username, "", string(entry, "encryptionKey")));
    }
    return new ParticipantList(List.copyOf(participants));
  }

  private static Presence presence(JsonObject message) {
    String action = string(message, "action");
    String nodeId = string(message, "nodeId");
    String username = string(message, "username");
    if (nodeId == null || username == null || action == null) {
      return null;
    }
    Presence.Action parsed = switch (action) {
      case "join" -> Presence.Action.JOIN;
      case "leave" -> Presence.Action.LEAVE;
      default -> null;
    };
    if (parsed == null) {
      return null;
    }
    String publicKey = string(message, "publicKey");
    return new Presence(parsed, new Participant(nodeId, username,
        publicKey == null ? "" : publicKey, string(message, "encryptionKey")));
  }

  private static Heartbeat heartbeat(JsonObject message) {
    String from = string(message, "from");
    return from == null ? null : new Heartbeat(from);
  }

  private static RoleAssignment roleAssignment(JsonObject message) {
    String nodeId = string(message, "nodeId");
    String from = string(message, "from");
    if (nodeId == null || from == null || !(message.get("roles") instanceof JsonArray array)) {
      return null;
    }
    List<String> roles = new ArrayList<>(array.size());
    for (JsonElement role : array) {
      if (!(role instanceof JsonPrimitive p) || !p.isString()) {
        return null;
      }
      roles.add(p.getAsString());
    }
    return new RoleAssignment(nodeId, roles, from);
  }

  private static Signal signal(JsonObject message, String text) {
    String from = string(message, "from");
    String to = string(message, "to");
    if (from == null || to == null) {
      return null;
    }
    String payload = message.has("payload") ? RawJson.memberValue(text, "payload") : null;
    return new Signal(from, to, payload, text);
  }

  private static ServerError error(JsonObject message) {
    String error = string(message, "error");
    return error == null ? null : new ServerError(error, string(message, "to"));
  }

  // ------------------------------------------------------------------ client -> server

  static String register(String nodeId, String username, String publicKey, String encryptionKey) {
    JsonObject register = new JsonObject();
    register.addProperty("type", "register");
    register.addProperty("nodeId", nodeId);
    register.addProperty("username", username);
    if (publicKey != null) {
      register.addProperty("publicKey", publicKey);
    }
    if (encryptionKey != null) {
      register.addProperty("encryptionKey", encryptionKey);
    }
    return register.toString();
  }

  static String heartbeat() {
    return "{\"type\":\"heartbeat\"}";
  }

  static String roleAssign(String nodeId, List<String> roles) {
    JsonObject message = new JsonObject();
    message.addProperty("type", "role-assign");
    message.addProperty("nodeId", nodeId);
    JsonArray array = new JsonArray(roles.size());
    roles.forEach(array::add);
    message.add("roles", array);
    return message.toString();
  }

  /**
   * A signal whose payload is {@code payloadJson} exactly as given, so that the peer receives the
   * application's own text.
   *
   * @throws IllegalArgumentException if {@code payloadJson} is not exactly one JSON value
   */
  static String signal(String from, String to, String payloadJson) {
    requireOneJsonValue(payloadJson);
    return "{\"type\":\"signal\",\"from\":" + new JsonPrimitive(from) + ",\"to\":" + new JsonPrimitive(to)
        + ",\"payload\":" + payloadJson + '}';
  }

  /** A JSON string literal for {@code text}. */
  static String stringLiteral(String text) {
    return new JsonPrimitive(text).toString();
  }

  private static void requireOneJsonValue(String json) {
    try (JsonReader reader = new JsonReader(new StringReader(json))) {
      reader.setStrictness(Strictness.STRICT);
      reader.skipValue();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalArgumentException("payload must be exactly one JSON value");
      }
    } catch (IOException | IllegalStateException e) {
      throw new IllegalArgumentException("payload is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String string(JsonObject object, String name) {
    JsonElement e = object.get(name);
    return e instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
  }
}
