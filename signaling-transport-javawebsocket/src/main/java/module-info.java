/**
 * The signaling server over Java-WebSocket: {@code SignalingServer} and its builder. The core is
 * required transitively because the server's API hands out its types ({@code SignalingHub},
 * {@code SignalingConfig}, {@code SignalingListener}); no Java-WebSocket type appears in the API.
 */
module dev.signaling.transport.javawebsocket {
  requires transitive dev.signaling.core;
  requires org.java_websocket;
  requires org.slf4j;

  exports dev.signaling.transport.javawebsocket;
}
