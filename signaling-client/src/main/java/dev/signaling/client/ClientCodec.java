package dev.signaling.client;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client's side of the wire format, in one place: reads what the server sends into a {@link
 * ServerMessage}, and writes what the client sends as compact JSON.
 */
final class ClientCodec {

  private static final String HEARTBEAT = "{\"type\":\"heartbeat\"}";

  private ClientCodec() {}

  /**
   * Reads one message from the server.
   *
   * @return the message, or empty for one the client cannot use (unknown type, missing fields,
   *     not a JSON object), which it ignores
   */
  static Optional<ServerMessage> decode(String text) {
    JsonObject message;
    try {
      JsonElement parsed = JsonParser.parseString(text);
      if (!parsed.isJsonObject()) {
        return Optional.empty();
      }
      message = parsed.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      return Optional.empty();
    }
    String type = string(message, "type");
    if (type == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(switch (type) {
      case "participants" -> participants(message);
      case "presence" -> presence(message);
      case "heartbeat" -> heartbeat(message);
      case "role-assign" -> roleAssignment(message);
      case "signal" -> signal(message, text);
      case "error" -> error(message);
      default -> null;
    });
  }

  private static ParticipantList participants(JsonObject message) {
    if (!(message.get("participants") instanceof JsonArray array)) {
      return null;
    }
    List<Participant> participants = new ArrayList<>(array.size());
    for (JsonElement element : array) {
      Participant participant = element.isJsonObject() ? participant(element.getAsJsonObject()) : null;
      if (participant == null) {
        return null;
      }
      participants.add(participant);
    }
    return new ParticipantList(participants);
  }

  private static Participant participant(JsonObject fields) {
    String nodeId = string(fields, "nodeId");
    String username = string(fields, "username");
    if (nodeId == null || username == null) {
      return null;
    }
    return new Participant(nodeId, username, string(fields, "encryptionKey"));
  }

  private static Presence presence(JsonObject message) {
    Participant participant = participant(message);
    String action = string(message, "action");
    if (participant == null || action == null) {
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
    return new Presence(parsed, participant, publicKey == null ? "" : publicKey);
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

  /**
   * A {@code register}; optional fields are absent when {@code null}.
   *
   * @param authJson the JSON text of the {@code auth} object, or {@code null}
   * @throws IllegalArgumentException if {@code authJson} is not one JSON object
   */
  static String register(String nodeId, String username, String publicKey, String encryptionKey, String authJson) {
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
    if (authJson != null) {
      requireOneJsonValue(authJson);
      JsonElement auth = JsonParser.parseString(authJson);
      if (!auth.isJsonObject()) {
        throw new IllegalArgumentException("auth must be a JSON object: " + auth);
      }
      register.add("auth", auth);
    }
    return register.toString();
  }

  static String heartbeat() {
    return HEARTBEAT;
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
        throw new IllegalArgumentException("not exactly one JSON value");
      }
    } catch (IOException | IllegalStateException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  private static String string(JsonObject object, String name) {
    JsonElement e = object.get(name);
    return e instanceof JsonPrimitive p && p.isString() ? p.getAsString() : null;
  }
}
