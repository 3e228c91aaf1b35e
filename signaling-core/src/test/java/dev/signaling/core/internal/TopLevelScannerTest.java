package dev.signaling.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path may only accept what the full parser accepts, with the same fields; whatever it
 * is unsure of goes to the full parser.
 */
class TopLevelScannerTest {

  private static final String SIGNAL = "{\"type\":\"signal\",\"from\":\"a\",\"to\":\"b\",\"payload\":"
      + "{\"sdp\":\"v=0\\r\\no=- 46117 2 IN IP4 127.0.0.1\\r\\n\",\"n\":[1,-0.5e+3,true,false,null,{}],\"u\":\"\\u00e9\"}}";

  private static final List<String> SEEDS = List.of(
      SIGNAL,
      "{\"type\":\"heartbeat\"}",
      " {\"to\":\"b\" , \"type\" : \"signal\",\"from\":\"a\",\"payload\":[[],{\"a\":{\"b\":[0]}}]}\r\n",
      "{\"type\":\"signal\",\"from\":null,\"to\":7,\"nodeId\":\"x\",\"payload\":\"\"}",
      "{\"type\":\"register\",\"nodeId\":\"a\",\"username\":\"alice\"}",
      "{\"type\":\"role-assign\",\"nodeId\":\"a\",\"roles\":[\"relay\"]}");

  @Test
  void hotMessagesTakeTheFastPath_withTheFieldsTheFullParserReads() throws Exception {
    Inbound fast = TopLevelScanner.scan(SIGNAL);
    assertThat(fast).as("a signal is scanned").isNotNull();
    assertThat(fast.type).isEqualTo("signal");
    assertThat(fast.from).isEqualTo("a");
    assertThat(fast.to).isEqualTo("b");
    assertSame(SIGNAL);
    assertThat(TopLevelScanner.scan("{\"type\":\"heartbeat\"}")).isNotNull();
    Inbound odd = TopLevelScanner.scan(SEEDS.get(3));
    assertThat(odd.from).isSameAs(Inbound.JSON_NULL);
    assertThat(odd.to).isSameAs(Inbound.NOT_A_STRING);
    assertThat(odd.nodeId).isEqualTo("x");
  }

  @Test
  void leavesToTheFullParser_whatItMustBuildOrCannotBeSureOf() {
    for (String text : List.of(
        SEEDS.get(4), // username is built
        SEEDS.get(5), // roles are built
        "{\"t\\u0079pe\":\"heartbeat\"}", // escaped key
        "{\"type\":\"signal\",\"from\":\"a\\\"\",\"to\":\"b\"}", // escaped value it reads
        "{\"type\":\"signal\",\"type\":\"signal\"}", // duplicate
        "{\"type\":1}", // not a string
        "{}",
        "[]",
        "\ufeff{\"type\":\"heartbeat\"}", // the full parser skips a byte order mark
        "{\"type\":\"x\",\"p\":\"\\u\uFF11234\"}", // not ASCII hex
        "{\"type\":\"x\",\"p\":01}",
        "{\"type\":\"x\",\"p\":" + "[".repeat(TopLevelScanner.MAX_DEPTH) + "]".repeat(TopLevelScanner.MAX_DEPTH) + "}",
        "{\"type\":\"x\"} x")) {
      assertThat(TopLevelScanner.scan(text)).as(text).isNull();
    }
  }

  @Test
  void neverAcceptsWhatTheFullParserRefuses_onMutatedMessages() throws Exception {
    Random random = new Random(42);
    String alphabet = "\"\\{}[],: \t\n\r\u0001u0-+.eEntfalsrx9\uFF11\ud800";
    int accepted = 0;
    for (int round = 0; round < 30_000; round++) {
      StringBuilder text = new StringBuilder(SEEDS.get(random.nextInt(SEEDS.size())));
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = random.nextInt(text.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> text.insert(at, c);
          case 1 -> { if (at < text.length()) text.deleteCharAt(at); }
          default -> { if (at < text.length()) text.setCharAt(at, c); }
        }
      }
      if (assertSame(text.toString())) {
        accepted++;
      }
    }
    assertThat(accepted).as("mutations the fast path accepted (and the full parser agreed)").isGreaterThan(1_000);
  }

  private static String escaped(String text) {
    StringBuilder sb = new StringBuilder();
    for (char c : text.toCharArray()) {
      sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }

  /** Checks the invariant for one text; returns whether the fast path accepted it. */
  private static boolean assertSame(String text) throws Exception {
    Inbound fast = TopLevelScanner.scan(text);
    if (fast == null) {
      return false;
    }
    Inbound full;
    try {
      full = Codec.decodeFully(text);
    } catch (Codec.InvalidMessage e) {
      throw new AssertionError("fast path accepted what the parser refuses (" + e.error + "): " + escaped(text));
    }
    assertThat(fast.type).as(text).isEqualTo(full.type);
    assertThat(fast.from).as(text).isEqualTo(full.from);
    assertThat(fast.to).as(text).isEqualTo(full.to);
    assertThat(fast.nodeId).as(text).isEqualTo(full.nodeId);
    return true;
  }
}
