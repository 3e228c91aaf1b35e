package dev.signaling.core.internal;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.signaling.core.Participant;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's wire format: state events for the shared log, and the two messages servers send
 * each other. Only servers read these, never clients; compact JSON keeps them debuggable in the
 * broker.
 */
final class EventCodec {

  /** Prefix of a signal forwarded to the server of its target: {@code s<len>:<to><signal text>}. */
  static final char SIGNAL = 's';
  /** Prefix of a heartbeat for every other server: {@code h<heartbeat message text>}. */
  static final char HEARTBEAT = 'h';
  /** Prefix of a disconnect for the server of a node: {@code d<len>:<nodeId><reason>}. */
  static final char DISCONNECT = 'd';

  private EventCodec() {}

  /** Thrown for an entry this version cannot read; the relay skips it, as every server does. */
  static final class Unreadable extends Exception {
    Unreadable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static String signal(String to, String text) {
    return addressed(SIGNAL, to, text);
  }

  static String disconnect(String nodeId, String reason) {
    return addressed(DISCONNECT, nodeId, reason);
  }

  private static String addressed(char kind, String to, String text) {
    return new StringBuilder(text.length() + to.length() + 8)
        .append(kind).append(to.length()).append(':').append(to).append(text).toString();
  }

  static String heartbeat(String text) {
    return HEARTBEAT + text;
  }

  /**
   * A message between servers as read: its kind ({@link #SIGNAL}, {@link #HEARTBEAT} or {@link
   * #DISCONNECT}), the node it is for (none for a heartbeat, which is for all), and its text (the
   * signal, the heartbeat, or the disconnect's reason).
   */
  record BusMessage(char kind, String to, String text) {}

  /**
   * Reads a message written by {@link #signal}, {@link #heartbeat} or {@link #disconnect}.
   *
   * @throws IllegalArgumentException (or another runtime exception) when it is malformed
   */
  static BusMessage decodeMessage(String message) {
    char kind = message.isEmpty() ? 0 : message.charAt(0);
    if (kind == SIGNAL || kind == DISCONNECT) {
      int colon = message.indexOf(':');
      int length = Integer.parseInt(message, 1, colon, 10);
      String to = message.substring(colon + 1, colon + 1 + length);
      return new BusMessage(kind, to, message.substring(colon + 1 + length));
    }
    if (kind == HEARTBEAT) {
      return new BusMessage(kind, null, message.substring(1));
    }
    throw new IllegalArgumentException("unknown message kind " + kind);
  }

  static String encode(Event event) {
    StringWriter out = new StringWriter(128);
    try (JsonWriter w = new JsonWriter(out)) {
      w.beginObject();
      if (event instanceof Event.Register r) {
        w.name("t").value("r");
        conn(w, r.conn());
        participant(w, r.participant());
        if (r.reject()) {
          w.name("x").value(true);
        }
      } else if (event instanceof Event.Leave l) {
        w.name("t").value("l");
        conn(w, l.conn());
      } else if (event instanceof Event.AssignRoles a) {
        w.name("t").value("a");
        conn(w, a.conn());
        w.name("f").value(a.from());
        w.name("n").value(a.nodeId());
        strings(w, "r", a.roles());
      } else {
        Event.Sync y = (Event.Sync) event;
        w.name("t").value("y");
        w.name("s").value(y.server());
        w.name("m").beginArray();
        for (Event.Claim c : y.claims()) {
          w.beginObject();
          w.name("c").value(c.conn());
          w.name("o").value(c.rank());
          participant(w, c.participant());
          if (c.roles() != null) {
            strings(w, "r", c.roles());
            w.name("f").value(c.rolesFrom());
          }
          w.endObject();
        }
        w.endArray();
      }
      w.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static void conn(JsonWriter w, Event.Conn c) throws IOException {
    w.name("s").value(c.server());
    w.name("c").value(c.id());
  }

  private static void participant(JsonWriter w, Participant p) throws IOException {
    w.name("n").value(p.nodeId());
    w.name("u").value(p.username());
    w.name("p").value(p.publicKey());
    if (p.encryptionKey() != null) {
      w.name("k").value(p.encryptionKey());
    }
  }

  private static void strings(JsonWriter w, String name, List<String> values) throws IOException {
    w.name(name).beginArray();
    for (String v : values) {
      w.value(v);
    }
    w.endArray();
  }

  /** Reads an event written by {@link #encode}. */
  static Event decode(String text) throws Unreadable {
    try (JsonReader r = new JsonReader(new StringReader(text))) {
      Fields f = new Fields();
      r.beginObject();
      while (r.hasNext()) {
        String name = r.nextName();
        switch (name) {
          case "t" -> f.type = r.nextString();
          case "s" -> f.server = r.nextString();
          case "c" -> f.conn = r.nextLong();
          case "n" -> f.nodeId = r.nextString();
          case "u" -> f.username = r.nextString();
          case "p" -> f.publicKey = r.nextString();
          case "k" -> f.encryptionKey = r.nextString();
          case "x" -> f.reject = r.nextBoolean();
          case "f" -> f.from = r.nextString();
          case "r" -> f.roles = readStrings(r);
          case "m" -> f.claims = readClaims(r);
          default -> r.skipValue();
        }
      }
      r.endObject();
      Event event = switch (String.valueOf(f.type)) {
        case "r" -> new Event.Register(f.conn(), f.participant(), f.reject);
        case "l" -> new Event.Leave(f.conn());
        case "a" -> new Event.AssignRoles(f.conn(), required(f.from), required(f.nodeId), required(f.roles));
        case "y" -> new Event.Sync(required(f.server), required(f.claims));
        default -> throw new IllegalStateException("unknown event type " + f.type);
      };
      return event;
    } catch (IOException | RuntimeException e) {
      throw new Unreadable("unreadable cluster event: " + abbreviate(text), e);
    }
  }

  private static List<Event.Claim> readClaims(JsonReader r) throws IOException {
    List<Event.Claim> claims = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      Fields f = new Fields();
      long rank = 0;
      r.beginObject();
      while (r.hasNext()) {
        switch (r.nextName()) {
          case "c" -> f.conn = r.nextLong();
          case "o" -> rank = r.nextLong();
          case "n" -> f.nodeId = r.nextString();
          case "u" -> f.username = r.nextString();
          case "p" -> f.publicKey = r.nextString();
          case "k" -> f.encryptionKey = r.nextString();
          case "r" -> f.roles = readStrings(r);
          case "f" -> f.from = r.nextString();
          default -> r.skipValue();
        }
      }
      r.endObject();
      claims.add(new Event.Claim(f.conn, rank, f.participant(), f.roles, f.roles == null ? null : required(f.from)));
    }
    r.endArray();
    return List.copyOf(claims);
  }

  private static List<String> readStrings(JsonReader r) throws IOException {
    List<String> values = new ArrayList<>();
    r.beginArray();
    while (r.peek() != JsonToken.END_ARRAY) {
      values.add(r.nextString());
    }
    r.endArray();
    return List.copyOf(values);
  }

  private static <T> T required(T value) {
    if (value == null) {
      throw new IllegalStateException("missing field");
    }
    return value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "…";
  }

  /** The fields of one event or claim while it is read. */
  private static final class Fields {
    String type;
    String server;
    long conn = -1;
    String nodeId;
    String username;
    String publicKey;
    String encryptionKey;
    boolean reject;
    String from;
    List<String> roles;
    List<Event.Claim> claims;

    Event.Conn conn() {
      if (conn < 0) {
        throw new IllegalStateException("missing connection");
      }
      return new Event.Conn(required(server), conn);
    }

    Participant participant() {
      return new Participant(required(nodeId), required(username), required(publicKey), encryptionKey);
    }
  }
}
