/**
 * Implementation of the core: the wire codec and the relay/presence state machine.
 *
 * <p><b>Not a public API.</b> Everything here may change in any release without notice; use
 * {@code dev.signaling.core} and {@code dev.signaling.core.spi} instead.
 */
package dev.signaling.core.internal;
