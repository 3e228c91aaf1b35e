/**
 * The transport test kit: {@link dev.signaling.testkit.transport.TransportKit}, the groups it
 * runs, and what a transport implements to run them ({@link
 * dev.signaling.testkit.transport.TransportFactory}, {@link
 * dev.signaling.testkit.transport.ServerHandle}).
 */
package dev.signaling.testkit.transport;
