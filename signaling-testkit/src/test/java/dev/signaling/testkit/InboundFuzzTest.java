package dev.signaling.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.signaling.core.Participant;
import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingListener;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzzes the inbound path: random and mutated JSON (deep nesting, huge and malformed numbers,
 * unicode with lone surrogates in escapes, duplicate keys, escaped key names, wrong types, every
 * message type with every field missing or mistyped, binary frames that are not UTF-8) is sent by
 * one client through the in-memory transport. An independent model of docs/protocol.md, using
 * Gson's strict parser as the oracle for what is JSON, predicts every message that client, a
 * registered bystander and an unregistered watcher receive; after each message the test checks
 * exactly those, the hub's membership, and that no connection was closed that the protocol does
 * not close. An exception escaping the core would show as a {@code 1011} close.
 */
class InboundFuzzTest {

  private static final String BYSTANDER = "zz-by";
  /** Small limits, so that generated fields cross them often. */
  private static final int MAX_ID = 8;
  private static final int MAX_KEY = 12;
  private static final int MAX_ROLES = 3;
  private static final int MAX_ROLE_LENGTH = 6;
  private static final int MAX_NESTING = 1000;

  /**
   * Lists are not paced: the model expects every answer at once, and a paced list is covered by
   * OutboxTest.
   */
  private static final SignalingConfig CONFIG = SignalingConfig.builder()
      .noRateLimit()
      .membershipInterval(java.time.Duration.ZERO)
      .maxIdLength(MAX_ID).maxKeyLength(MAX_KEY).maxRoles(MAX_ROLES).maxRoleLength(MAX_ROLE_LENGTH)
      .build();

  /** One WebSocket message: text, or binary bytes. */
  record Frame(String text, byte[] binary) {
    static Frame text(String text) {
      return new Frame(text, null);
    }

    static Frame binary(byte[] bytes) {
      return new Frame(null, bytes);
    }

    @Override
    public String toString() {
      return text != null ? "text " + text : "binary " + Arrays.toString(binary);
    }
  }

  record Scenario(boolean registeredFirst, List<Frame> frames) {}

  @Property(tries = 1000)
  void everyMessageGetsExactlyTheDocumentedAnswer_andNothingElseHappens(@ForAll("scenarios") Scenario scenario) {
    try (InMemoryTransport server = InMemoryTransport.start(CONFIG, SignalingListener.NONE)) {
      Model model = new Model();
      InMemoryTransport.Client bystander = server.connect();
      bystander.send(register(BYSTANDER, "bob"));
      assertThat(bystander.drain()).hasSize(1); // its participants
      InMemoryTransport.Client watcher = server.connect(); // never registers: must never hear a thing
      InMemoryTransport.Client fuzzer = server.connect();

      List<Frame> frames = new ArrayList<>();
      if (scenario.registeredFirst()) {
        frames.add(Frame.text(register("f", "fred")));
      }
      frames.addAll(scenario.frames());
      for (Frame frame : frames) {
        Model.Expected expected = model.apply(frame);
        if (frame.text() != null) {
          fuzzer.send(frame.text());
        } else {
          fuzzer.sendBinary(frame.binary());
        }
        Supplier<String> context = () -> "after " + frame;
        assertMessages(fuzzer.drain(), expected.toFuzzer(), () -> "fuzzer " + context.get());
        assertMessages(bystander.drain(), expected.toBystander(), () -> "bystander " + context.get());
        assertThat(watcher.drain()).as(() -> "watcher " + context.get()).isEmpty();
        assertThat(server.hub().participants()).as(() -> "membership " + context.get()).isEqualTo(model.participants());
        assertThat(fuzzer.closeStatus()).as(() -> "fuzzer closed " + context.get()).isNull();
        assertThat(watcher.closeStatus()).as(() -> "watcher closed " + context.get()).isNull();
        assertThat(bystander.closeStatus()).as(() -> "bystander closed " + context.get())
            .isEqualTo(model.bystanderOpen ? null : new TestClient.CloseStatus(4001, "replaced"));
      }
    }
  }

  private static String register(String nodeId, String username) {
    return "{\"type\":\"register\",\"nodeId\":\"" + nodeId + "\",\"username\":\"" + username + "\"}";
  }

  /**
   * Compares what a client received with the model: a {@link String} must match character for
   * character (a forwarded signal), a {@link JsonObject} must be what the server composed, with
   * its fields in the documented order.
   */
  private static void assertMessages(List<String> received, List<Object> expected, Supplier<String> context) {
    assertThat(received).as(() -> context.get() + ": messages " + received + ", expected " + expected)
        .hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      String got = received.get(i);
      Object want = expected.get(i);
      int index = i;
      Supplier<String> what = () -> context.get() + ": message " + index + ": " + got;
      if (want instanceof String verbatim) {
        assertThat(got).as(what).isEqualTo(verbatim);
      } else {
        assertThat(new String(got.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).as(what).isEqualTo(got);
        assertThat(Model.parseStrict(Model.withoutUnpairedSurrogateEscapes(got))).as(what).isNotNull();
        assertThat(Model.parse(got, Strictness.LEGACY_STRICT).toString()).as(what).isEqualTo(want.toString());
      }
    }
  }

  // ------------------------------------------------------------------ the model (the oracle)

  /** docs/protocol.md for one fuzzing client "f", one registered bystander and one watcher. */
  static final class Model {

    record Expected(List<Object> toFuzzer, List<Object> toBystander) {}

    private record Node(String nodeId, String username, String publicKey, String encryptionKey, boolean ownedByFuzzer) {
      Participant participant() {
        return new Participant(nodeId, username, publicKey, encryptionKey);
      }
    }

    private final LinkedHashMap<String, Node> nodes = new LinkedHashMap<>();
    /** The last role-assign of each registered node that has roles. */
    private final Map<String, JsonObject> roles = new HashMap<>();
    private String fuzzerNodeId;
    boolean bystanderOpen = true;

    private List<Object> toFuzzer;
    private List<Object> toBystander;

    Model() {
      nodes.put(BYSTANDER, new Node(BYSTANDER, "bob", "", null, false));
    }

    List<Participant> participants() {
      return nodes.values().stream().map(Node::participant).toList();
    }

    private boolean bystanderRegistered() {
      Node node = nodes.get(BYSTANDER);
      return bystanderOpen && node != null && !node.ownedByFuzzer();
    }

    Expected apply(Frame frame) {
      toFuzzer = new ArrayList<>();
      toBystander = new ArrayList<>();
      String text = frame.text() != null ? frame.text() : decodeUtf8(frame.binary());
      if (text == null) {
        toFuzzer.add(error("invalid JSON"));
      } else {
        handle(text);
      }
      return new Expected(toFuzzer, toBystander);
    }

    private void handle(String text) {
      // Valid JSON is what a strict RFC 8259 parser takes, except that unpaired surrogate escapes
      // are accepted, as JSON.parse accepts them (docs/protocol.md, Decisions).
      String neutral = withoutUnpairedSurrogateEscapes(text);
      JsonElement root = parseStrict(neutral) == null ? null : parse(text, Strictness.LEGACY_STRICT);
      if (root == null || depth(neutral) > MAX_NESTING) {
        toFuzzer.add(error("invalid JSON"));
        return;
      }
      if (!root.isJsonObject() || hasDuplicateGuardedKey(text)) {
        toFuzzer.add(error("invalid message"));
        return;
      }
      JsonObject message = root.getAsJsonObject();
      JsonElement type = message.get("type");
      if (!isString(type)) {
        toFuzzer.add(error("invalid message"));
        return;
      }
      switch (type.getAsString()) {
        case "register" -> register(message);
        case "heartbeat" -> {
          if (fuzzerNodeId != null && bystanderRegistered()) {
            JsonObject heartbeat = object("heartbeat");
            heartbeat.addProperty("from", fuzzerNodeId);
            toBystander.add(heartbeat);
          }
        }
        case "role-assign" -> roleAssign(message);
        case "signal" -> signal(message, text);
        default -> toFuzzer.add(error("unknown type"));
      }
    }

    private void register(JsonObject message) {
      String nodeId = nonEmptyString(message.get("nodeId"));
      String username = nonEmptyString(message.get("username"));
      if (nodeId == null || username == null) {
        toFuzzer.add(error("missing nodeId or username"));
        return;
      }
      JsonElement pk = message.get("publicKey");
      JsonElement ek = message.get("encryptionKey");
      if (!isAbsentNullOrString(pk) || !isAbsentNullOrString(ek)) {
        toFuzzer.add(error("invalid key"));
        return;
      }
      String publicKey = isString(pk) ? pk.getAsString() : "";
      String encryptionKey = isString(ek) ? ek.getAsString() : null;
      if (nodeId.length() > MAX_ID || username.length() > MAX_ID || publicKey.length() > MAX_KEY
          || (encryptionKey != null && encryptionKey.length() > MAX_KEY)) {
        toFuzzer.add(error("field too long"));
        return;
      }
      // 1. The fuzzer's previous node leaves first (no participants of its own).
      if (fuzzerNodeId != null && !fuzzerNodeId.equals(nodeId)) {
        Node old = nodes.remove(fuzzerNodeId);
        roles.remove(fuzzerNodeId);
        if (bystanderRegistered()) {
          toBystander.add(presence("leave", old));
        }
      }
      // 2. Another connection holds the nodeId: the bystander is replaced (REPLACE).
      Node existing = nodes.get(nodeId);
      if (existing != null && !existing.ownedByFuzzer() && bystanderOpen) {
        toBystander.add(error("replaced by a newer registration"));
        bystanderOpen = false;
      }
      // 3. Stored, in its old place if it had one.
      Node node = new Node(nodeId, username, publicKey, encryptionKey, true);
      nodes.put(nodeId, node); // LinkedHashMap keeps the place of an existing key
      fuzzerNodeId = nodeId;
      // 4. presence join to the others, 5. participants to all, 6. roles of the others to it.
      if (bystanderRegistered()) {
        toBystander.add(presence("join", node));
        toBystander.add(participantsMessage());
      }
      toFuzzer.add(participantsMessage());
      for (Node other : nodes.values()) {
        if (!other.nodeId().equals(nodeId) && roles.containsKey(other.nodeId())) {
          toFuzzer.add(roles.get(other.nodeId()));
        }
      }
    }

    private void roleAssign(JsonObject message) {
      if (fuzzerNodeId == null) {
        toFuzzer.add(error("not registered"));
        return;
      }
      String nodeId = nonEmptyString(message.get("nodeId"));
      JsonElement list = message.get("roles");
      if (nodeId == null || list == null || !list.isJsonArray() || list.getAsJsonArray().size() > MAX_ROLES) {
        toFuzzer.add(error("missing nodeId or roles"));
        return;
      }
      JsonArray assigned = new JsonArray();
      for (JsonElement role : list.getAsJsonArray()) {
        if (!isString(role) || role.getAsString().length() > MAX_ROLE_LENGTH) {
          toFuzzer.add(error("missing nodeId or roles"));
          return;
        }
        assigned.add(role.getAsString());
      }
      JsonObject broadcast = object("role-assign");
      broadcast.addProperty("nodeId", nodeId);
      broadcast.add("roles", assigned);
      broadcast.addProperty("from", fuzzerNodeId);
      if (nodes.containsKey(nodeId)) {
        if (assigned.isEmpty()) {
          roles.remove(nodeId);
        } else {
          roles.put(nodeId, broadcast);
        }
      }
      toFuzzer.add(broadcast);
      if (bystanderRegistered()) {
        toBystander.add(broadcast);
      }
    }

    private void signal(JsonObject message, String text) {
      String from = nonEmptyString(message.get("from"));
      String to = nonEmptyString(message.get("to"));
      if (from == null || to == null) {
        toFuzzer.add(error("missing to or from"));
      } else if (fuzzerNodeId == null) {
        toFuzzer.add(error("not registered"));
      } else if (!from.equals(fuzzerNodeId)) {
        toFuzzer.add(error("from does not match registered nodeId"));
      } else if (!nodes.containsKey(to)) {
        JsonObject notFound = error("peer not found");
        notFound.addProperty("to", to);
        toFuzzer.add(notFound);
      } else if (nodes.get(to).ownedByFuzzer()) {
        toFuzzer.add(text); // verbatim
      } else {
        toBystander.add(text);
      }
    }

    // -------------------------------------------------------------- messages the server composes

    private static JsonObject object(String type) {
      JsonObject o = new JsonObject();
      o.addProperty("type", type);
      return o;
    }

    private static JsonObject error(String text) {
      JsonObject o = object("error");
      o.addProperty("error", text);
      return o;
    }

    private static JsonObject presence(String action, Node node) {
      JsonObject o = object("presence");
      o.addProperty("action", action);
      o.addProperty("nodeId", node.nodeId());
      o.addProperty("username", node.username());
      o.addProperty("publicKey", node.publicKey());
      if (node.encryptionKey() != null) {
        o.addProperty("encryptionKey", node.encryptionKey());
      }
      return o;
    }

    private JsonObject participantsMessage() {
      JsonArray list = new JsonArray();
      for (Node node : nodes.values()) {
        JsonObject entry = new JsonObject();
        entry.addProperty("nodeId", node.nodeId());
        entry.addProperty("username", node.username());
        if (node.encryptionKey() != null) {
          entry.addProperty("encryptionKey", node.encryptionKey());
        }
        list.add(entry);
      }
      JsonObject o = object("participants");
      o.add("participants", list);
      return o;
    }

    // -------------------------------------------------------------- JSON, as the documents define it

    /** The document as a tree if it is strict JSON (RFC 8259) with nothing after it, else null. */
    static JsonElement parseStrict(String text) {
      return parse(text, Strictness.STRICT);
    }

    static JsonElement parse(String text, Strictness strictness) {
      if (text.chars().allMatch(c -> c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        return null; // no value at all (Gson would call it JsonNull)
      }
      try (JsonReader reader = new JsonReader(new StringReader(text))) {
        reader.setStrictness(strictness);
        reader.setNestingLimit(Integer.MAX_VALUE); // depth is judged separately, by the documented rule
        JsonElement root = JsonParser.parseReader(reader);
        return reader.peek() == JsonToken.END_DOCUMENT ? root : null;
      } catch (Exception e) {
        return null; // JsonParseException, IOException, and the like: not JSON
      }
    }

    /** The text with each escape of an unpaired surrogate replaced by {@code \\uFFFD} (same length). */
    static String withoutUnpairedSurrogateEscapes(String text) {
      StringBuilder sb = new StringBuilder(text);
      boolean inString = false;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (!inString) {
          inString = c == '"';
        } else if (c == '"') {
          inString = false;
        } else if (c == '\\') {
          int unit = escapedUnit(text, i);
          if (unit >= 0 && Character.isHighSurrogate((char) unit)
              && escapedUnit(text, i + 6) >= 0 && Character.isLowSurrogate((char) escapedUnit(text, i + 6))) {
            i += 11; // a pair, escaped as two units
          } else if (unit >= 0 && Character.isSurrogate((char) unit)) {
            sb.replace(i, i + 6, "\\uFFFD");
            i += 5;
          } else {
            i++; // the escaped character
          }
        }
      }
      return sb.toString();
    }

    /** The UTF-16 unit of a {@code \\uXXXX} escape starting at {@code i}, or -1. */
    private static int escapedUnit(String text, int i) {
      if (i + 6 > text.length() || text.charAt(i) != '\\' || text.charAt(i + 1) != 'u') {
        return -1;
      }
      try {
        return Integer.parseInt(text.substring(i + 2, i + 6), 16);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    /** The deepest nesting of objects and arrays (the top-level object counts as 1). */
    private static int depth(String validJson) {
      int depth = 0;
      int max = 0;
      boolean inString = false;
      for (int i = 0; i < validJson.length(); i++) {
        char c = validJson.charAt(i);
        if (inString) {
          if (c == '\\') {
            i++;
          } else if (c == '"') {
            inString = false;
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          max = Math.max(max, ++depth);
        } else if (c == '}' || c == ']') {
          depth--;
        }
      }
      return max;
    }

    /** Whether {@code type}, {@code from}, {@code to} or {@code nodeId} occurs twice at the top level. */
    private static boolean hasDuplicateGuardedKey(String validObject) {
      Map<String, Integer> seen = new HashMap<>();
      try (JsonReader reader = new JsonReader(new StringReader(validObject))) {
        reader.setNestingLimit(Integer.MAX_VALUE);
        reader.beginObject();
        while (reader.hasNext()) {
          seen.merge(reader.nextName(), 1, Integer::sum);
          reader.skipValue();
        }
      } catch (Exception e) {
        throw new AssertionError("the oracle could not re-read valid JSON: " + validObject, e);
      }
      return List.of("type", "from", "to", "nodeId").stream().anyMatch(k -> seen.getOrDefault(k, 0) > 1);
    }

    private static boolean isString(JsonElement e) {
      return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    private static boolean isAbsentNullOrString(JsonElement e) {
      return e == null || e.isJsonNull() || isString(e);
    }

    private static String nonEmptyString(JsonElement e) {
      return isString(e) && !e.getAsString().isEmpty() ? e.getAsString() : null;
    }

    private static String decodeUtf8(byte[] bytes) {
      try {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes)).toString();
      } catch (CharacterCodingException e) {
        return null;
      }
    }
  }

  // ------------------------------------------------------------------ generators

  /** A JSON value to render, possibly breaking the rules on purpose. */
  sealed interface J permits JStr, JRaw, JArr, JObj {}

  /**
   * A string. {@code escapeAll} writes every non-ASCII unit as {@code \\uXXXX}; {@code rawControl}
   * leaves control characters unescaped (not JSON).
   */
  record JStr(String value, boolean escapeAll, boolean rawControl) implements J {}

  /** A literal written as is: numbers (valid or not), true, false, null, or any token. */
  record JRaw(String literal) implements J {}

  record JArr(List<J> items) implements J {}

  record JObj(List<Map.Entry<J, J>> entries) implements J {}

  static String render(J value, String ws) {
    StringBuilder sb = new StringBuilder();
    render(value, ws, sb);
    return sb.toString();
  }

  private static void render(J value, String ws, StringBuilder sb) {
    if (value instanceof JRaw raw) {
      sb.append(raw.literal());
    } else if (value instanceof JStr s) {
      string(s, sb);
    } else if (value instanceof JArr arr) {
      sb.append('[').append(ws);
      for (int i = 0; i < arr.items().size(); i++) {
        if (i > 0) {
          sb.append(ws).append(',').append(ws);
        }
        render(arr.items().get(i), ws, sb);
      }
      sb.append(ws).append(']');
    } else {
      JObj obj = (JObj) value;
      sb.append('{').append(ws);
      for (int i = 0; i < obj.entries().size(); i++) {
        if (i > 0) {
          sb.append(ws).append(',').append(ws);
        }
        render(obj.entries().get(i).getKey(), ws, sb);
        sb.append(ws).append(':').append(ws);
        render(obj.entries().get(i).getValue(), ws, sb);
      }
      sb.append(ws).append('}');
    }
  }

  private static void string(JStr s, StringBuilder sb) {
    sb.append('"');
    String v = s.value();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < v.length() && Character.isLowSurrogate(v.charAt(i + 1))
          || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(v.charAt(i - 1));
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20 && !s.rawControl()) {
        sb.append(String.format("\\u%04x", (int) c));
      } else if ((Character.isSurrogate(c) && !paired) || (c > 0x7E && s.escapeAll())) {
        sb.append(String.format("\\u%04X", (int) c)); // a lone surrogate can only travel escaped
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  private static J str(String s) {
    return new JStr(s, false, false);
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Combinators.combine(Arbitraries.of(true, true, false), frame().list().ofMinSize(1).ofMaxSize(6))
        .as(Scenario::new);
  }

  private Arbitrary<Frame> frame() {
    return Arbitraries.frequencyOf(
        Tuple.of(10, rendered(message()).map(Frame::text)),
        Tuple.of(4, Combinators.combine(rendered(message()), Arbitraries.longs()).as(InboundFuzzTest::mutate)
            .map(Frame::text)),
        Tuple.of(1, rendered(value(3)).map(Frame::text)),
        Tuple.of(1, deep().map(Frame::text)),
        Tuple.of(2, binary()));
  }

  private static Arbitrary<String> rendered(Arbitrary<J> json) {
    return Combinators.combine(json, Arbitraries.of("", " ", "\n\t ", "\r\n")).as(InboundFuzzTest::render);
  }

  /** Strings that matter: ids in use, empty, around the limits, unicode, escapes, lone surrogates. */
  private static Arbitrary<String> text() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.of("f", "fred", "a", "b", BYSTANDER, "ghost", "r", "relay")),
        Tuple.of(2, Arbitraries.of("", "é", "日本", "😀", "a\"b", "x\\y", "\u2028", "\u0001", "\ud800", "x\udc00",
            "\u0000", "<&>'")),
        Tuple.of(2, Arbitraries.integers().between(MAX_ROLE_LENGTH - 1, MAX_KEY + 1).map("x"::repeat)),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(10)));
  }

  private static Arbitrary<J> jString() {
    return Combinators.combine(text(), Arbitraries.of(false, false, false, true), Arbitraries.of(false, false, false,
        false, false, false, false, false, false, true)).as(JStr::new);
  }

  private static Arbitrary<J> number() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.of("0", "-0", "12", "-12", "1.5e3", "12.50", "0.0000001", "1E+2",
            "123456789012345678901234567890", "1e400", "-1E-400", "9".repeat(400))),
        Tuple.of(1, Arbitraries.of("01", "1.", ".5", "+1", "NaN", "Infinity", "-", "1e", "0x10", "1_000")))
        .map(JRaw::new);
  }

  private static Arbitrary<J> literal() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.of("true", "false", "null")),
        Tuple.of(1, Arbitraries.of("True", "nul", "undefined", "'x'", "x")))
        .map(JRaw::new);
  }

  /** Any JSON value (occasionally not quite JSON), nested at most {@code depth} levels. */
  private static Arbitrary<J> value(int depth) {
    Arbitrary<J> leaf = Arbitraries.frequencyOf(Tuple.of(3, jString()), Tuple.of(2, number()), Tuple.of(2, literal()));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<J> array = value(depth - 1).list().ofMaxSize(3).map(JArr::new);
    Arbitrary<J> object = Combinators.combine(jString(), value(depth - 1)).as(Map::<J, J>entry)
        .list().ofMaxSize(3).map(JObj::new);
    return Arbitraries.frequencyOf(Tuple.of(4, leaf), Tuple.of(1, array), Tuple.of(1, object));
  }

  private static final List<String> FIELDS =
      List.of("nodeId", "username", "publicKey", "encryptionKey", "from", "to", "payload", "roles", "auth");

  /** A plausible value for a field: mostly right for its type, sometimes anything at all. */
  private static Arbitrary<J> fieldValue(String field) {
    Arbitrary<J> right = switch (field) {
      case "payload" -> value(3);
      case "roles" -> jString().list().ofMaxSize(MAX_ROLES + 1).map(JArr::new);
      case "auth" -> Combinators.combine(jString(), value(1)).as(Map::<J, J>entry).list().ofMaxSize(2).map(JObj::new);
      default -> jString();
    };
    return Arbitraries.frequencyOf(Tuple.of(6, right), Tuple.of(2, value(2)), Tuple.of(1, literal()));
  }

  private static Arbitrary<Map.Entry<J, J>> field(String name) {
    // Sometimes written with escapes, e.g. "\u006E\u006F\u0064\u0065\u0049\u0064": the same key.
    Arbitrary<J> key = Arbitraries.of(str(name), str(name), str(name), str(name), new JStr(name, true, false));
    return Combinators.combine(key, fieldValue(name)).as(Map::entry);
  }

  /** A message of any type, with its fields present, missing, mistyped, extra or duplicated. */
  private static Arbitrary<J> message() {
    Arbitrary<J> type = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.of("register", "signal", "role-assign", "heartbeat").map(InboundFuzzTest::str)),
        Tuple.of(2, Arbitraries.of("participants", "presence", "error", "nope", "Signal", "").map(InboundFuzzTest::str)),
        Tuple.of(1, Arbitraries.oneOf(number(), literal(), value(1))));
    Arbitrary<J> typeKey = Arbitraries.of(str("type"), str("type"), str("type"), new JStr("type", true, false));
    // Mostly one type field; sometimes none, sometimes two.
    Arbitrary<List<Map.Entry<J, J>>> typeEntries = Combinators.combine(typeKey, type, Arbitraries.integers().between(0, 20))
        .as((key, value, n) -> {
          Map.Entry<J, J> entry = Map.entry(key, value);
          return n == 0 ? List.<Map.Entry<J, J>>of() : n == 1 ? List.of(entry, entry) : List.of(entry);
        });
    Arbitrary<List<Map.Entry<J, J>>> fields = Arbitraries.oneOf(FIELDS.stream().map(InboundFuzzTest::field).toList())
        .list().ofMaxSize(7);
    Arbitrary<List<Map.Entry<J, J>>> extras = Combinators.combine(jString(), value(2)).as(Map::<J, J>entry)
        .list().ofMaxSize(2);
    return Combinators.combine(typeEntries, fields, extras, Arbitraries.longs()).as((t, f, e, seed) -> {
      List<Map.Entry<J, J>> all = new ArrayList<>(t);
      all.addAll(f);
      all.addAll(e);
      java.util.Collections.shuffle(all, new Random(seed));
      return new JObj(all);
    });
  }

  /** A signal whose payload nests around the limit, sometimes left unclosed. */
  private static Arbitrary<String> deep() {
    return Combinators.combine(
        Arbitraries.integers().between(MAX_NESTING - 5, MAX_NESTING + 5),
        Arbitraries.of("[", "{\"k\":"), Arbitraries.of(true, true, true, false))
        .as((levels, open, closed) -> {
          String close = open.equals("[") ? "]" : "}";
          String body = open.repeat(levels - 1) + "1" + (closed ? close.repeat(levels - 1) : "");
          return "{\"type\":\"signal\",\"from\":\"f\",\"to\":\"f\",\"payload\":" + body + "}";
        });
  }

  /** A message's bytes in a binary frame, possibly no longer UTF-8. */
  private static Arbitrary<Frame> binary() {
    byte[][] corruptions = {{(byte) 0xFF}, {(byte) 0xC3, 0x28}, {(byte) 0xE2, (byte) 0x82},
        {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
    return Combinators.combine(rendered(message()), Arbitraries.integers().between(-1, corruptions.length - 1),
        Arbitraries.integers().between(0, 1000))
        .as((text, which, at) -> {
          byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
          if (which < 0) {
            return Frame.binary(utf8);
          }
          byte[] bad = corruptions[which];
          int position = at % (utf8.length + 1);
          byte[] out = new byte[utf8.length + bad.length];
          System.arraycopy(utf8, 0, out, 0, position);
          System.arraycopy(bad, 0, out, position, bad.length);
          System.arraycopy(utf8, position, out, position + bad.length, utf8.length - position);
          return Frame.binary(out);
        });
  }

  /** One to three edits by code point: delete, insert, replace, truncate, duplicate a slice. */
  private static String mutate(String text, long seed) {
    Random random = new Random(seed);
    List<Integer> list = new ArrayList<>(text.codePoints().boxed().toList());
    int[] inserts = {'{', '}', '[', ']', '"', ':', ',', '\\', 'a', '1', ' ', 'é', 0x1F600, '\n'};
    for (int n = 1 + random.nextInt(3); n > 0 && !list.isEmpty(); n--) {
      int at = random.nextInt(list.size());
      switch (random.nextInt(5)) {
        case 0 -> list.remove(at);
        case 1 -> list.add(at, inserts[random.nextInt(inserts.length)]);
        case 2 -> list.set(at, inserts[random.nextInt(inserts.length)]);
        case 3 -> list.subList(at, list.size()).clear();
        default -> {
          int end = Math.min(list.size(), at + 1 + random.nextInt(8));
          list.addAll(at, new ArrayList<>(list.subList(at, end)));
        }
      }
    }
    StringBuilder sb = new StringBuilder();
    list.forEach(sb::appendCodePoint);
    return sb.toString();
  }

  @Example
  void theModelAgreesWithTheDocumentOnKnownExchanges() {
    // Guards the oracle itself: a plain exchange must be predicted as docs/protocol.md shows it.
    Model model = new Model();
    Model.Expected expected = model.apply(Frame.text(register("a", "alice")));
    assertThat(expected.toFuzzer().toString()).isEqualTo(
        "[{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"zz-by\",\"username\":\"bob\"},"
            + "{\"nodeId\":\"a\",\"username\":\"alice\"}]}]");
    assertThat(expected.toBystander().toString()).isEqualTo(
        "[{\"type\":\"presence\",\"action\":\"join\",\"nodeId\":\"a\",\"username\":\"alice\",\"publicKey\":\"\"}, "
            + "{\"type\":\"participants\",\"participants\":[{\"nodeId\":\"zz-by\",\"username\":\"bob\"},"
            + "{\"nodeId\":\"a\",\"username\":\"alice\"}]}]");
    assertThat(model.apply(Frame.text("{\"type\":\"signal\",\"type\":\"signal\"}")).toFuzzer().toString())
        .isEqualTo("[{\"type\":\"error\",\"error\":\"invalid message\"}]");
    assertThat(model.apply(Frame.text("{\"type\":\"x\",\"p\":" + "[".repeat(1000) + "]".repeat(1000) + "}"))
        .toFuzzer().toString()).isEqualTo("[{\"type\":\"error\",\"error\":\"invalid JSON\"}]");
    assertThat(model.apply(Frame.text("{\"type\":\"x\",\"p\":" + "[".repeat(999) + "]".repeat(999) + "}"))
        .toFuzzer().toString()).isEqualTo("[{\"type\":\"error\",\"error\":\"unknown type\"}]");
  }
}
