/**
 * The signaling server over Netty: {@code SignalingServer} and its builder. The core is required
 * transitively because the server's API hands out its types ({@code SignalingHub}, {@code
 * SignalingConfig}, {@code SignalingListener}); no Netty type appears in the API.
 */
module dev.signaling.transport.netty {
  requires transitive dev.signaling.core;
  requires io.netty.buffer;
  requires io.netty.codec;
  requires io.netty.codec.http;
  requires io.netty.common;
  requires io.netty.handler;
  requires io.netty.transport;
  requires io.netty.transport.classes.epoll;
  requires org.slf4j;

  exports dev.signaling.transport.netty;
}
