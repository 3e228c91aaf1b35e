/**
 * The Java client of the signaling protocol: {@code SignalingClient} and its builder, listener and
 * message records, on the JDK's {@code java.net.http.WebSocket}. It needs no server code and no
 * WebSocket library; {@code java.net.http} is required transitively because the builder accepts
 * an {@code HttpClient}.
 */
module dev.signaling.client {
  requires transitive java.net.http;
  requires com.google.gson;
  requires org.slf4j;

  exports dev.signaling.client;
}
