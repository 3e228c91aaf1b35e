package dev.signaling.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Two peers, {@code alice} and {@code bob}, meet on a signaling server and exchange an SDP offer
 * and answer, the way two browsers start a WebRTC call. It uses only the JDK's WebSocket client.
 *
 * <pre>
 * mvn -q -pl signaling-examples -am compile -Pdemo                                  # own server
 * mvn -q -pl signaling-examples -am compile -Pdemo -Dexec.args=ws://127.0.0.1:3001  # a running one
 * </pre>
 *
 * <p>Arguments: the server's URL (default {@code ws://127.0.0.1:3001}), or {@code --embedded} to
 * start a private server on a free loopback port for the duration of the demo.
 */
public final class TwoPeerDemo {

  /** The server the demo talks to when given no URL: the runnable server's default (signaling-server). */
  public static final URI DEFAULT_SERVER = URI.create("ws://127.0.0.1:3001");

  /** How long each step may take before the demo gives up. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  static final String ALICE = "alice";
  static final String BOB = "bob";

  // A plausible data-channel SDP: the server never looks inside a payload, so any will do.
  private static final String OFFER_SDP = sdp(ALICE);
  private static final String ANSWER_SDP = sdp(BOB);

  private static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: TwoPeerDemo [ws://host:port | --embedded] [--help]",
          "  ws://host:port  the signaling server to use (default " + DEFAULT_SERVER + ")",
          "  --embedded      start a private server on 127.0.0.1 and a free port, then stop it",
          "  --help          print this text and exit",
          "");

  private TwoPeerDemo() {}

  /**
   * What each peer sent and received during {@link #run}: every message verbatim, in the order it
   * arrived.
   *
   * @param offerSent the {@code signal} alice sent to bob
   * @param answerSent the {@code signal} bob sent back to alice
   * @param aliceReceived every message alice received
   * @param bobReceived every message bob received
   */
  public record Exchange(
      String offerSent, String answerSent, List<String> aliceReceived, List<String> bobReceived) {

    /** Copies the lists, so an exchange never changes after the demo returns it. */
    public Exchange {
      Objects.requireNonNull(offerSent, "offerSent");
      Objects.requireNonNull(answerSent, "answerSent");
      aliceReceived = List.copyOf(aliceReceived);
      bobReceived = List.copyOf(bobReceived);
    }
  }

  /**
   * Runs the exchange against {@code server}: connect both peers, register them, wait until each
   * sees both in {@code participants}, send alice's offer to bob and bob's answer to alice, then
   * close both connections.
   *
   * @param server the signaling server's WebSocket URL
   * @param timeout how long each step may take
   * @param steps receives a line describing each step as it happens
   * @return what was sent and received
   * @throws IllegalStateException when a step fails or times out; the message says which
   */
  public static Exchange run(URI server, Duration timeout, Consumer<String> steps) {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(steps, "steps");
    HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();

    steps.accept("Connecting alice and bob to " + server);
    try (Peer alice = Peer.connect(ALICE, server, http, timeout);
        Peer bob = Peer.connect(BOB, server, http, timeout)) {
      register(alice, "Alice", steps);
      register(bob, "Bob", steps);

      // Registration order is not delivery order for the other peer: wait for the list itself.
      for (Peer peer : List.of(alice, bob)) {
        peer.await("participants with alice and bob", TwoPeerDemo::listsBoth);
        steps.accept(peer.nodeId() + " sees participants: alice, bob");
      }

      String offer = signal(ALICE, BOB, "offer", OFFER_SDP);
      alice.send(offer);
      steps.accept("alice -> bob: " + offer);
      String offerReceived = bob.await("alice's offer", m -> isSignal(m, ALICE, "offer"));
      steps.accept("bob received: " + offerReceived);

      String answer = signal(BOB, ALICE, "answer", ANSWER_SDP);
      bob.send(answer);
      steps.accept("bob -> alice: " + answer);
      String answerReceived = alice.await("bob's answer", m -> isSignal(m, BOB, "answer"));
      steps.accept("alice received: " + answerReceived);

      // Snapshot before closing: what arrives afterwards (bob seeing alice leave) is not the demo.
      Exchange exchange = new Exchange(offer, answer, alice.received(), bob.received());
      steps.accept("Closing both connections");
      return exchange;
    }
  }

  /**
   * Runs the demo as the command line asks and prints each step.
   *
   * @param args {@code [ws://host:port | --embedded] [--help]}
   */
  public static void main(String[] args) {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Everything {@link #main} does, without {@code System.exit}.
   *
   * @return the process exit status: 0 done, 1 the exchange failed, 2 bad arguments
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    URI server = null;
    boolean embedded = false;
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        out.print(USAGE);
        return 0;
      } else if (arg.equals("--embedded")) {
        embedded = true;
      } else if (server == null && (arg.startsWith("ws://") || arg.startsWith("wss://"))) {
        try {
          server = URI.create(arg);
        } catch (IllegalArgumentException e) {
          return usageError("not a valid URL: " + arg, err);
        }
      } else {
        return usageError("unexpected argument: " + arg, err);
      }
    }
    if (embedded && server != null) {
      return usageError("give either a server URL or --embedded, not both", err);
    }

    try {
      if (embedded) {
        try (SignalingServer own = SignalingServer.builder().host("127.0.0.1").port(0).start()) {
          out.println("Started an embedded server at " + own.webSocketUri());
          run(own.webSocketUri(), DEFAULT_TIMEOUT, out::println);
        }
        out.println("Stopped the embedded server");
      } else {
        run(server == null ? DEFAULT_SERVER : server, DEFAULT_TIMEOUT, out::println);
      }
      out.println("Done: offer and answer exchanged");
      return 0;
    } catch (RuntimeException e) {
      err.println("Demo failed: " + e.getMessage());
      if (!embedded) {
        err.println("Is the server running? Start it with java -jar signaling-server/target/signaling-server.jar, or pass --embedded.");
      }
      return 1;
    }
  }

  private static String sdp(String origin) {
    return "v=0\r\no=" + origin + " 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n";
  }

  private static int usageError(String message, PrintStream err) {
    err.println("error: " + message);
    err.print(USAGE);
    return 2;
  }

  private static void register(Peer peer, String username, Consumer<String> steps) {
    JsonObject register = new JsonObject();
    register.addProperty("type", "register");
    register.addProperty("nodeId", peer.nodeId());
    register.addProperty("username", username);
    peer.send(register.toString());
    steps.accept(peer.nodeId() + " registers: " + register);
  }

  /** A {@code signal} whose payload has the shape of a browser's RTCSessionDescription. */
  private static String signal(String from, String to, String sdpType, String sdp) {
    JsonObject payload = new JsonObject();
    payload.addProperty("type", sdpType);
    payload.addProperty("sdp", sdp);
    JsonObject signal = new JsonObject();
    signal.addProperty("type", "signal");
    signal.addProperty("from", from);
    signal.addProperty("to", to);
    signal.add("payload", payload);
    return signal.toString();
  }

  static boolean listsBoth(JsonObject message) {
    if (!"participants".equals(Peer.string(message, "type"))
        || !(message.get("participants") instanceof JsonArray list)) {
      return false;
    }
    Set<String> ids = new HashSet<>();
    for (JsonElement e : list) {
      if (e.isJsonObject()) {
        ids.add(Peer.string(e.getAsJsonObject(), "nodeId"));
      }
    }
    return ids.containsAll(Set.of(ALICE, BOB));
  }

  private static boolean isSignal(JsonObject message, String from, String sdpType) {
    return "signal".equals(Peer.string(message, "type"))
        && from.equals(Peer.string(message, "from"))
        && message.get("payload") instanceof JsonObject payload
        && sdpType.equals(Peer.string(payload, "type"));
  }
}
