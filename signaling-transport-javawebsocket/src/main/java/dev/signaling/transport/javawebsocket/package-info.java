/**
 * The signaling protocol over <a href="https://github.com/TooTallNate/Java-WebSocket">Java-WebSocket</a>:
 * {@link dev.signaling.transport.javawebsocket.SignalingServer} serves the WebSocket protocol and
 * {@code GET /health} on one port. That class (with its builder) is the whole public API; the Java
 * client is the module {@code signaling-client}.
 *
 * <p>Everything else in this package is an implementation detail. No Java-WebSocket type appears
 * in the public API, so the library can be upgraded or replaced without breaking embedders.
 */
package dev.signaling.transport.javawebsocket;
