/**
 * The user API of the signaling core: configuration, the {@link dev.signaling.core.SignalingHub}
 * that owns the relay/presence state, listener callbacks and the value types they carry.
 *
 * <p>This package and {@code dev.signaling.core.spi} are the library's public contracts.
 * {@code dev.signaling.core.internal} is an implementation detail and may change in any release.
 */
package dev.signaling.core;
