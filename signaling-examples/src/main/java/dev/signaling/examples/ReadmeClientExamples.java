package dev.signaling.examples;

import dev.signaling.client.Ed25519Signer;
import dev.signaling.client.Participant;
import dev.signaling.client.Signal;
import dev.signaling.client.SignalingClient;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;

/**
 * The README's Java client code, as code that compiles (the server side is in {@link
 * ReadmeExamples}; both client and server name a {@code Participant}): each region between
 * {@code // README:name} and {@code // README:end} appears verbatim in README.md, and the tests
 * run each method against a real server.
 */
final class ReadmeClientExamples {

  private ReadmeClientExamples() {}

  /**
   * The Java client: connect, wait for the registration, send.
   *
   * @return what the send returned
   */
  static boolean client(URI server) throws InterruptedException {
    boolean sent = false;
    // README:client
    try (SignalingClient client = SignalingClient.builder(server, "a", "alice")   // ws://… or wss://…
        .listener(new SignalingClient.Listener() {
          @Override public void onParticipants(SignalingClient c, List<Participant> everyone) { /* ... */ }
          @Override public void onSignal(SignalingClient c, Signal s) {
            c.sendSignal(s.from(), "{\"type\":\"answer\",\"sdp\":\"...\"}");   // payload: raw JSON
          }
        })
        .heartbeatInterval(Duration.ofSeconds(15))      // optional automatic heartbeat
        .connect()) {                                   // returns at once; connects in the background
      if (client.awaitRegistered(Duration.ofSeconds(10))) {   // the server listed "a": sends go out
        sent = client.sendRoleAssign("a", List.of("relay"));  // false only while not registered
      }
    }                                                   // close(): 1000, after what is queued
    // README:end
    return sent;
  }

  /** Authentication, client side: a client that proves the key its nodeId names. */
  static SignalingClient signed(URI server, KeyPair keys) {
    // README:auth-client
    Ed25519Signer signer = Ed25519Signer.of(keys);        // keys: the node's Ed25519 KeyPair
    SignalingClient client = SignalingClient.builder(server, signer.nodeId(), "alice")  // nodeId: the key in hex
        .auth(signer)                                     // a fresh signature in every register
        .connect();
    // README:end
    return client;
  }
}
