/**
 * The transport SPI: what a transport (a WebSocket library binding) implements and calls.
 *
 * <p>A transport accepts WebSocket connections, wraps each one in a {@link
 * dev.signaling.core.spi.Connection}, hands it to {@link
 * dev.signaling.core.SignalingHub#open(Connection)} and feeds the returned {@link
 * dev.signaling.core.spi.ConnectionHandler} with what arrives. The core never touches a socket
 * and depends on no WebSocket library. This package is a public contract.
 */
package dev.signaling.core.spi;
