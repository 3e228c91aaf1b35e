/**
 * The protocol contract: {@link dev.signaling.testkit.contract.SignalingContract} and its groups,
 * one per concern. Extend {@code SignalingContract} to run every group against a server.
 */
package dev.signaling.testkit.contract;
