package dev.signaling.core.internal;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.signaling.core.Participant;
import dev.signaling.core.spi.OutboundMessage;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The wire format, in one place: reads the top-level fields of client messages with a streaming
 * parser (never building a tree, skipping payloads) and writes the server's own messages as
 * compact JSON, with optional fields absent rather than {@code null}.
 */
final class Codec {

  /**
   * Deepest nesting accepted. Real payloads (SDP, ICE) nest a few levels; the cap keeps a
   * message of nothing but brackets from costing more than its own size in parser state.
   */
  static final int MAX_NESTING = 1000;

  private Codec() {}

  /** Why a message could not be read. */
  static final class InvalidMessage extends Exception {
    final String error;

    InvalidMessage(String error) {
      super(error, null, false, false);
      this.error = error;
    }
  }

  /**
   * Reads the top-level fields of one message.
   *
   * @throws InvalidMessage with {@link Errors#INVALID_JSON} or {@link Errors#INVALID_MESSAGE}
   */
  static Inbound decode(String text) throws InvalidMessage {
    Inbound fast = TopLevelScanner.scan(text); // signals and heartbeats, without the parser's buffers
    return fast != null ? fast : decodeFully(text);
  }

  /** {@link #decode} by the streaming parser: every message, every error. */
  static Inbound decodeFully(String text) throws InvalidMessage {
    Inbound in = new Inbound();
    boolean duplicate = false;
    boolean typeNotString = false;
    boolean notAnObject = false;
    int seen = 0; // bits of type/from/to/nodeId already seen
    if (!passesWhatLegacyStrictLetsThrough(text)) {
      throw new InvalidMessage(Errors.INVALID_JSON);
    }
    try (JsonReader reader = new JsonReader(new StringReader(text))) {
      // Not STRICT: it refuses unpaired surrogate escapes, but only in the strings it reads, not in
      // those it skips (nor does it check raw control characters there). LEGACY_STRICT accepts
      // unpaired surrogates everywhere, as JSON.parse does, and the scan above refuses the rest of
      // what it would let through.
      reader.setStrictness(Strictness.LEGACY_STRICT);
      reader.setNestingLimit(MAX_NESTING);
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        notAnObject = true;
        reader.skipValue();
      } else {
        reader.beginObject();
        while (reader.hasNext()) {
          String name = reader.nextName();
          int bit = switch (name) {
            case "type" -> 1;
            case "from" -> 2;
            case "to" -> 4;
            case "nodeId" -> 8;
            default -> 0;
          };
          if (bit != 0) {
            duplicate |= (seen & bit) != 0;
            seen |= bit;
          }
          switch (name) {
            case "type" -> {
              Object type = readField(reader);
              typeNotString = !(type instanceof String);
              in.type = type instanceof String s ? s : null;
            }
            case "from" -> in.from = readField(reader);
            case "to" -> in.to = readField(reader);
            case "nodeId" -> in.nodeId = readField(reader);
            case "username" -> in.username = readField(reader);
            case "publicKey" -> in.publicKey = readField(reader);
            case "encryptionKey" -> in.encryptionKey = readField(reader);
            case "roles" -> in.roles = readRoles(reader);
            case "auth" -> in.auth = readAuth(reader);
            default -> reader.skipValue();
          }
        }
        reader.endObject();
      }
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new InvalidMessage(Errors.INVALID_JSON);
      }
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      // MalformedJsonException and EOFException are IOExceptions; Gson signals a few structural
      // problems with IllegalStateException.
      throw new InvalidMessage(Errors.INVALID_JSON);
    }
    if (notAnObject || duplicate || typeNotString || in.type == null) {
      throw new InvalidMessage(Errors.INVALID_MESSAGE);
    }
    return in;
  }

  /**
   * Refuses, in one pass, what RFC 8259 forbids but Gson's LEGACY_STRICT mode accepts: control
   * characters unescaped in a string, escapes other than the nine that JSON defines (such as an
   * escaped single quote or line break), and keywords in other cases than {@code true}, {@code
   * false}, {@code null}. Everything else is left to the parser.
   */
  static boolean passesWhatLegacyStrictLetsThrough(String text) {
    boolean inString = false;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '"') {
          inString = false;
        } else if (c == '\\') {
          if (++i < n && "\"\\/bfnrtu".indexOf(text.charAt(i)) < 0) {
            return false;
          }
        } else if (c < 0x20) {
          return false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c >= 'A' && c <= 'Z' && !(c == 'E' && i > 0 && text.charAt(i - 1) >= '0' && text.charAt(i - 1) <= '9')) {
        return false; // outside strings, only an exponent's E may be upper case
      }
    }
    return true;
  }

  private static Object readField(JsonReader reader) throws IOException {
    switch (reader.peek()) {
      case STRING:
        return reader.nextString();
      case NULL:
        reader.nextNull();
        return Inbound.JSON_NULL;
      default:
        reader.skipValue();
        return Inbound.NOT_A_STRING;
    }
  }

  /** The scalar members of an object as text (numbers as written); anything else is skipped. */
  private static Map<String, String> readAuth(JsonReader reader) throws IOException {
    if (reader.peek() != JsonToken.BEGIN_OBJECT) {
      reader.skipValue();
      return null;
    }
    Map<String, String> auth = new HashMap<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String name = reader.nextName();
      switch (reader.peek()) {
        case STRING, NUMBER -> auth.put(name, reader.nextString());
        case BOOLEAN -> auth.put(name, Boolean.toString(reader.nextBoolean()));
        default -> reader.skipValue();
      }
    }
    reader.endObject();
    return auth;
  }

  /** The roles if the value is an array of strings; otherwise skips it and returns null. */
  private static List<String> readRoles(JsonReader reader) throws IOException {
    if (reader.peek() != JsonToken.BEGIN_ARRAY) {
      reader.skipValue();
      return null;
    }
    List<String> roles = new ArrayList<>();
    boolean allStrings = true;
    reader.beginArray();
    while (reader.hasNext()) {
      if (allStrings && reader.peek() == JsonToken.STRING) {
        roles.add(reader.nextString());
      } else {
        allStrings = false;
        reader.skipValue();
      }
    }
    reader.endArray();
    return allStrings ? roles : null;
  }

  /** A message the server composes, encoded once. */
  private static Outgoing out(Outgoing.Kind kind, String text) {
    return new Outgoing(OutboundMessage.ofText(text), kind);
  }

  static Outgoing error(String error) {
    return out(Outgoing.Kind.ERROR,
        new Json(48).begin().field("type", "error").field("error", error).end());
  }

  static Outgoing peerNotFound(String to) {
    return out(Outgoing.Kind.ERROR,
        new Json(64).begin().field("type", "error").field("error", Errors.PEER_NOT_FOUND)
            .field("to", to).end());
  }

  static Outgoing heartbeat(String from) {
    return out(Outgoing.Kind.HEARTBEAT,
        new Json(48).begin().field("type", "heartbeat").field("from", from).end());
  }

  static Outgoing presence(String action, Participant p) {
    Json json = new Json(128).begin()
        .field("type", "presence")
        .field("action", action)
        .field("nodeId", p.nodeId())
        .field("username", p.username())
        .field("publicKey", p.publicKey());
    if (p.encryptionKey() != null) {
      json.field("encryptionKey", p.encryptionKey());
    }
    return out(Outgoing.Kind.PRESENCE, json.end());
  }

  static Outgoing roleAssign(String nodeId, List<String> roles, String from) {
    Json json = new Json(96).begin().field("type", "role-assign").field("nodeId", nodeId).name("roles");
    json.raw('[');
    for (int i = 0; i < roles.size(); i++) {
      if (i > 0) {
        json.raw(',');
      }
      json.string(roles.get(i));
    }
    json.raw(']');
    return out(Outgoing.Kind.ROLE_ASSIGN, json.field("from", from).end());
  }

  /** The {@code participants} entry of one node, encoded once per registration and reused. */
  static String participantEntry(Participant p) {
    Json json = new Json(64).begin().field("nodeId", p.nodeId()).field("username", p.username());
    if (p.encryptionKey() != null) {
      json.field("encryptionKey", p.encryptionKey());
    }
    return json.end();
  }

  /** A {@code participants} message from the entries' pre-encoded JSON, in order. */
  static Outgoing participants(String[] entries) {
    int size = 40;
    for (String entry : entries) {
      size += entry.length() + 1;
    }
    StringBuilder sb = new StringBuilder(size).append("{\"type\":\"participants\",\"participants\":[");
    for (int i = 0; i < entries.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(entries[i]);
    }
    return out(Outgoing.Kind.PARTICIPANTS, sb.append("]}").toString());
  }

  /** A minimal compact JSON object writer: no nulls, strings escaped as JSON requires. */
  private static final class Json {
    private final StringBuilder sb;
    private boolean first = true;

    Json(int capacity) {
      sb = new StringBuilder(capacity);
    }

    Json begin() {
      sb.append('{');
      return this;
    }

    Json name(String name) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      string(name);
      sb.append(':');
      return this;
    }

    Json field(String name, String value) {
      return name(name).string(value);
    }

    Json raw(char c) {
      sb.append(c);
      return this;
    }

    String end() {
      return sb.append('}').toString();
    }

    /** Appends a JSON string; lone surrogates are escaped so the UTF-8 encoding stays lossless. */
    Json string(String s) {
      sb.append('"');
      for (int i = 0, n = s.length(); i < n; i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> sb.append("\\\"");
          case '\\' -> sb.append("\\\\");
          case '\n' -> sb.append("\\n");
          case '\r' -> sb.append("\\r");
          case '\t' -> sb.append("\\t");
          case '\b' -> sb.append("\\b");
          case '\f' -> sb.append("\\f");
          default -> {
            if (c < 0x20 || c == '\u2028' || c == '\u2029') {
              unicodeEscape(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
              sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
              unicodeEscape(c);
            } else {
              sb.append(c);
            }
          }
        }
      }
      sb.append('"');
      return this;
    }

    private void unicodeEscape(char c) {
      sb.append("\\u");
      String hex = Integer.toHexString(c);
      for (int pad = hex.length(); pad < 4; pad++) {
        sb.append('0');
      }
      sb.append(hex);
    }
  }
}
