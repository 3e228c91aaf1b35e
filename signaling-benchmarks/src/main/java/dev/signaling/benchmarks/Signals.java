package dev.signaling.benchmarks;

import java.nio.charset.StandardCharsets;

/**
 * The {@code signal} messages of the relay and latency workloads: 8 pairs of nodes {@code n00}…
 * {@code n15}, node {@code p} talking to node {@code p + 8}, with a 300-byte payload shaped like
 * an SDP offer (escaped line breaks included) that carries a send timestamp in 16 hex digits.
 */
final class Signals {

  static final int PAIRS = 8;
  static final int PAYLOAD_BYTES = 300;
  static final int ID_DIGITS = 2;

  private static final String SDP = "v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n"
      + "a=group:BUNDLE 0\\r\\na=extmap-allow-mixed\\r\\na=msid-semantic: WMS\\r\\n"
      + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\nc=IN IP4 0.0.0.0\\r\\n"
      + "a=ice-ufrag:Vx3d\\r\\na=ice-pwd:3dQwS5aE0n5Lk3WJx8b3Ldq1\\r\\na=ice-options:trickle\\r\\n"
      + "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64\\r\\n";

  /** {@code template(p)}: the message node {@code p} sends to node {@code p + PAIRS}. */
  private final byte[][] templates = new byte[PAIRS][];
  final int length;
  final int fromOffset;
  final int toOffset;
  final int timestampOffset;
  final int idLength;

  Signals() {
    String head = "{\"t\":\"0000000000000000\",\"sdp\":\"";
    int room = PAYLOAD_BYTES - head.length() - 2;
    String sdp = SDP.substring(0, room);
    if (sdp.endsWith("\\")) {
      sdp = sdp.substring(0, room - 1) + "x"; // never cut an escape in half
    }
    String payload = head + sdp + "\"}";
    if (payload.length() != PAYLOAD_BYTES) {
      throw new IllegalStateException("payload is " + payload.length() + " bytes");
    }
    for (int p = 0; p < PAIRS; p++) {
      String from = ClientGroup.id("n", ID_DIGITS, p);
      String to = ClientGroup.id("n", ID_DIGITS, p + PAIRS);
      String text = "{\"type\":\"signal\",\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"payload\":" + payload + "}";
      templates[p] = text.getBytes(StandardCharsets.US_ASCII);
    }
    String sample = new String(templates[0], StandardCharsets.US_ASCII);
    length = templates[0].length;
    fromOffset = sample.indexOf("\"from\":\"") + 8;
    toOffset = sample.indexOf("\"to\":\"") + 6;
    timestampOffset = sample.indexOf("\"t\":\"") + 5;
    idLength = ID_DIGITS + 1;
  }

  /** A fresh copy of pair {@code p}'s message from its first node to its second. */
  byte[] forward(int p) {
    return templates[p].clone();
  }

  /** Turns a received message into the answer: swaps {@code from} and {@code to} in place. */
  void swap(byte[] message) {
    for (int i = 0; i < idLength; i++) {
      byte b = message[fromOffset + i];
      message[fromOffset + i] = message[toOffset + i];
      message[toOffset + i] = b;
    }
  }
}
