/**
 * Runnable examples of the signaling server: {@link dev.signaling.examples.ServerMain} runs it
 * from the command line with every setting from flags or environment variables, {@link
 * dev.signaling.examples.TwoPeerDemo} shows two peers exchanging an offer and an answer through
 * it, {@link dev.signaling.examples.PrometheusEndpoint} exposes its metrics to Prometheus, and
 * {@link dev.signaling.examples.Keystores} loads a TLS keystore. Not a library API: copy from it
 * freely.
 */
package dev.signaling.examples;
