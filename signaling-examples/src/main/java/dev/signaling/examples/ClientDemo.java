package dev.signaling.examples;

import dev.signaling.client.Participant;
import dev.signaling.client.Presence;
import dev.signaling.client.RoleAssignment;
import dev.signaling.client.Signal;
import dev.signaling.client.SignalingClient;
import dev.signaling.transport.javawebsocket.SignalingServer;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Two peers on {@link SignalingClient}, the library's typed Java client (module {@code
 * signaling-client}): both wait until they are registered, {@code alice} waits until {@code bob}
 * is listed, sends him an offer, and bob's listener answers from inside its callback; alice then
 * gives bob the role {@code relay}. Where {@link TwoPeerDemo} shows the wire format
 * with raw frames, this one shows what an application writes.
 *
 * <pre>
 * mvn -q -pl signaling-examples -am compile -Pclient-demo                                  # own server
 * mvn -q -pl signaling-examples -am compile -Pclient-demo -Dexec.args=ws://127.0.0.1:3001  # a running one
 * </pre>
 */
public final class ClientDemo {

  private static final String OFFER = "{\"type\":\"offer\",\"sdp\":\"v=0 (alice's offer)\"}";
  private static final String ANSWER = "{\"type\":\"answer\",\"sdp\":\"v=0 (bob's answer)\"}";

  private static final String USAGE =
      String.join(
          System.lineSeparator(),
          "Usage: ClientDemo [ws://host:port | --embedded] [--help]",
          "  ws://host:port  the signaling server to use (default " + TwoPeerDemo.DEFAULT_SERVER + ")",
          "  --embedded      start a private server on 127.0.0.1 and a free port, then stop it",
          "  --help          print this text and exit",
          "");

  private ClientDemo() {}

  /**
   * What the demo saw.
   *
   * @param offerReceived the signal bob received
   * @param answerReceived the signal alice received
   * @param roleAssignment the role assignment bob was told about
   */
  public record Outcome(Signal offerReceived, Signal answerReceived, RoleAssignment roleAssignment) {

    /** Checks that every part is present. */
    public Outcome {
      Objects.requireNonNull(offerReceived, "offerReceived");
      Objects.requireNonNull(answerReceived, "answerReceived");
      Objects.requireNonNull(roleAssignment, "roleAssignment");
    }
  }

  /**
   * Runs the exchange against {@code server} and closes both clients.
   *
   * @param steps receives a line for each event, as it happens (on the clients' threads)
   * @throws IllegalStateException when a step does not happen within {@code timeout}
   */
  public static Outcome run(URI server, Duration timeout, Consumer<String> steps) {
    CompletableFuture<Void> bobJoined = new CompletableFuture<>();
    CompletableFuture<Signal> answer = new CompletableFuture<>();
    CompletableFuture<Signal> offer = new CompletableFuture<>();
    CompletableFuture<RoleAssignment> role = new CompletableFuture<>();

    SignalingClient.Listener aliceListener = new SignalingClient.Listener() {
      @Override
      public void onPresence(SignalingClient alice, Presence presence) {
        steps.accept("alice sees " + presence.participant().username() + " " + presence.action());
      }

      @Override
      public void onParticipants(SignalingClient alice, List<Participant> participants) {
        // Not a presence JOIN: bob may have registered first, and then alice never sees him join.
        if (participants.stream().anyMatch(p -> p.nodeId().equals("bob"))) {
          bobJoined.complete(null);
        }
      }

      @Override
      public void onSignal(SignalingClient alice, Signal signal) {
        steps.accept("alice got a signal from " + signal.from() + ": " + signal.payloadJson());
        answer.complete(signal);
      }
    };
    SignalingClient.Listener bobListener = new SignalingClient.Listener() {
      @Override
      public void onParticipants(SignalingClient bob, List<Participant> participants) {
        steps.accept("bob sees participants " + participants.stream().map(Participant::nodeId).toList());
      }

      @Override
      public void onSignal(SignalingClient bob, Signal signal) {
        steps.accept("bob got a signal from " + signal.from() + ": " + signal.payloadJson());
        offer.complete(signal);
        bob.sendSignal(signal.from(), ANSWER); // callbacks may send: they run on bob's own thread
      }

      @Override
      public void onRoleAssign(SignalingClient bob, RoleAssignment assignment) {
        steps.accept("bob learns that " + assignment.from() + " gave " + assignment.nodeId()
            + " the roles " + assignment.roles());
        role.complete(assignment);
      }
    };

    try (SignalingClient alice = SignalingClient.builder(server, "alice", "Alice").listener(aliceListener).connect();
        SignalingClient bob = SignalingClient.builder(server, "bob", "Bob")
            .listener(bobListener)
            .heartbeatInterval(Duration.ofSeconds(15))
            .connect()) {
      await(alice.whenRegistered(), timeout, "alice registered");
      await(bob.whenRegistered(), timeout, "bob registered");
      await(bobJoined, timeout, "bob in alice's participants");
      if (!alice.sendSignal("bob", OFFER)) {
        throw new IllegalStateException("alice is no longer registered");
      }
      steps.accept("alice sent her offer to bob");
      Signal answerReceived = await(answer, timeout, "bob's answer");
      alice.sendRoleAssign("bob", List.of("relay"));
      return new Outcome(await(offer, timeout, "alice's offer"), answerReceived,
          await(role, timeout, "the role assignment"));
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

  /** Everything {@link #main} does, without {@code System.exit}: 0 done, 1 failed, 2 bad arguments. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      out.print(USAGE);
      return 0;
    }
    boolean embedded = args.length == 1 && args[0].equals("--embedded");
    URI server = TwoPeerDemo.DEFAULT_SERVER;
    if (args.length > 1 || (args.length == 1 && !embedded)) {
      try {
        if (args.length > 1 || !args[0].matches("wss?://.*")) {
          throw new IllegalArgumentException("unexpected arguments: " + String.join(" ", args));
        }
        server = URI.create(args[0]);
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        err.print(USAGE);
        return 2;
      }
    }
    try {
      if (embedded) {
        try (SignalingServer own = SignalingServer.builder().host("127.0.0.1").port(0).start()) {
          out.println("Started an embedded server at " + own.webSocketUri());
          run(own.webSocketUri(), TwoPeerDemo.DEFAULT_TIMEOUT, out::println);
        }
      } else {
        run(server, TwoPeerDemo.DEFAULT_TIMEOUT, out::println);
      }
      out.println("Done");
      return 0;
    } catch (RuntimeException e) {
      err.println("Demo failed: " + e.getMessage());
      if (!embedded) {
        err.println("Is the server running? Start it with ServerMain, or pass --embedded.");
      }
      return 1;
    }
  }

  private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting for " + what, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("failed waiting for " + what, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + what, e);
    }
  }
}
