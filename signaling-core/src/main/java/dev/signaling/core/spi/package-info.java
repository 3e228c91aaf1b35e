/**
 * The transport SPI: what a transport (a WebSocket library binding) implements and calls.
 *
 * <p>A transport accepts WebSocket connections, wraps each one in a {@link
 * dev.signaling.core.spi.Connection}, hands it to {@link
 * dev.signaling.core.SignalingHub#open(Connection)} and feeds the returned {@link
 * dev.signaling.core.spi.ConnectionHandler} with what arrives. The core never touches a socket
 * and depends on no WebSocket library. This package is a public contract.
 *
 * <p><b>What every transport enforces.</b> The hub enforces the protocol (messages, rates, queues,
 * registration); the transport owns the socket, so it enforces what only the socket sees, from
 * the hub's {@link dev.signaling.core.SignalingConfig}, and answers as {@code docs/protocol.md}
 * says:
 *
 * <ul>
 *   <li>one port for WebSocket upgrades (any path) and plain HTTP: {@code GET}/{@code HEAD /health}
 *       ({@code 200 {"ok":true}}, {@code 503 {"ok":false}} while shutting down), {@code 404} for
 *       anything else, a request head over 8 KiB {@code 431}, a malformed upgrade {@code 400} (or
 *       {@code 426} for a wrong version); JSON bodies, {@code Content-Length}, {@code Connection:
 *       close}, no header naming a library;
 *   <li>{@link dev.signaling.core.SignalingConfig#maxConnections()} and {@link
 *       dev.signaling.core.SignalingConfig#maxConnectionsPerAddress()} at the upgrade, through
 *       {@link dev.signaling.core.spi.ConnectionSlots};
 *   <li>{@link dev.signaling.core.SignalingConfig#handshakeTimeout()}: a TCP connection whose
 *       request or upgrade is not complete in time is closed;
 *   <li>{@link dev.signaling.core.SignalingConfig#maxMessageBytes()}: close {@code 1009} as soon as
 *       a frame header or the running total of a fragmented message passes it (each fragment
 *       counted with {@link dev.signaling.core.spi.InboundBudget#FRAGMENT_OVERHEAD_BYTES}), before
 *       the payload is buffered; a partial message holds only the bytes that arrived, accounted in
 *       the server-wide {@link dev.signaling.core.spi.InboundBudget};
 *   <li>{@code 1002} for protocol errors (unmasked frames included), {@code 1007} for invalid
 *       UTF-8 in a text frame;
 *   <li>{@link dev.signaling.core.SignalingConfig#pingInterval()}: ping each connection; only a
 *       pong that echoes the transport's own ping counts; a connection that stops answering is
 *       closed ({@code 1006} reported to the handler);
 *   <li>exact {@link dev.signaling.core.spi.Connection#queuedBytes()} and a call to {@link
 *       dev.signaling.core.spi.ConnectionHandler#onWritable()} when the queue drains (the hub's
 *       per-connection and server-wide queue limits rely on them);
 *   <li>an {@link java.lang.Error} that reaches one of its threads: {@link
 *       dev.signaling.core.SignalingHub#fail(Throwable)}, then stop; never a half-dead server.
 * </ul>
 *
 * <p>The transport test kit ({@code signaling-testkit}) checks every item over real sockets.
 */
package dev.signaling.core.spi;
