/**
 * The signaling server over <a href="https://github.com/TooTallNate/Java-WebSocket">Java-WebSocket</a>:
 * {@link dev.signaling.transport.javawebsocket.SignalingServer} is the whole public API. It serves
 * the WebSocket protocol and {@code GET /health} on one port.
 *
 * <p>Everything else in this package is an implementation detail. No Java-WebSocket type appears
 * in the public API, so the library can be upgraded or replaced without breaking embedders.
 */
package dev.signaling.transport.javawebsocket;
