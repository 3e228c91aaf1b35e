/**
 * A client of the signaling protocol on the JDK's {@link java.net.http.WebSocket}: {@link
 * dev.signaling.client.SignalingClient} (with its {@link dev.signaling.client.SignalingClient.Listener})
 * is built by {@link dev.signaling.client.SignalingClientBuilder}, reports what the server sends
 * as records ({@link dev.signaling.client.ServerMessage} and its six kinds), its {@link
 * dev.signaling.client.ClientState}, refused registers and disconnects, and proves an Ed25519
 * identity with {@link dev.signaling.client.Ed25519Signer}.
 *
 * <p>The public types are the API; the package-private ones (the engine, the connection, the
 * send queue, the codec, the reconnect state machine) are implementation details.
 */
package dev.signaling.client;
