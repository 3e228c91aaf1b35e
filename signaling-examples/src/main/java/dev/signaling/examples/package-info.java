/**
 * Runnable examples of the signaling server: {@link dev.signaling.examples.ServerMain} runs it
 * from the command line, {@link dev.signaling.examples.TwoPeerDemo} shows two peers exchanging
 * an offer and an answer through it. Not a library API: copy from it freely.
 */
package dev.signaling.examples;
