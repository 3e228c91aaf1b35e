/**
 * Runnable examples of the signaling server: {@link dev.signaling.examples.TwoPeerDemo} shows two
 * peers exchanging an offer and an answer through it on the wire, {@code ClientDemo} the same with
 * the Java client, and {@link dev.signaling.examples.BrowserDemo} serves a WebRTC chat page; the
 * code of the docs' snippets lives here too. The server as a program is {@code signaling-server}.
 * Not a library API: copy from it freely.
 */
package dev.signaling.examples;
