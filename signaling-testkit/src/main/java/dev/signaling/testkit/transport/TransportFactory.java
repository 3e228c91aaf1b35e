package dev.signaling.testkit.transport;

/**
 * How the transport kit starts a server of the transport under test. A transport's test module
 * implements it in a few lines, mapping a {@link ServerSpec} onto its builder, and hands it to a
 * subclass of {@link TransportKit}.
 */
public interface TransportFactory {

  /**
   * Binds and starts a server as {@code spec} says; returns once connections are accepted. The
   * builder's own checks apply: a bad value throws as the builder does, a port in use throws
   * {@link dev.signaling.core.SignalingException}.
   */
  ServerHandle start(ServerSpec spec);

  /**
   * Hook: whether {@code thread} is one of the transport's I/O or worker threads (the kit checks
   * that a failure in application code kills none of them).
   */
  boolean isServerThread(Thread thread);
}
