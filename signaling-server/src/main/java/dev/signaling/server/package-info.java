/**
 * The signaling server as a program: {@link dev.signaling.server.ServerMain} ({@code java -jar
 * signaling-server.jar}) takes every setting from a flag or an environment variable, runs in a
 * cluster on Redis when asked, and serves Prometheus metrics through Micrometer. Its only API is
 * the command line; embed {@code signaling-transport-javawebsocket} to run the server in code.
 */
package dev.signaling.server;
