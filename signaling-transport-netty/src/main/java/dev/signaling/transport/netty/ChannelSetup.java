package dev.signaling.transport.netty;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.InboundBudget;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.ssl.SslHandler;

/**
 * Composes every connection's pipeline, in the two shapes it has.
 *
 * <p>Until the upgrade: {@code [tls: SslHandler] → deadline: HandshakeDeadline → head: HeadCheck (until the head has passed) → http-decoder:
 * HttpRequestDecoder → http-encoder: HttpResponseEncoder → http: HttpGate}.
 *
 * <p>After it ({@link #upgraded}): {@code [tls] → wsdecoder: BudgetedDecoder (Netty's
 * WebSocket13FrameDecoder, accounting partial frames) → core: CoreBridge} (itself {@link
 * ControlFrames} and {@link MessageAssembler}: one handler of ours). The HTTP handlers are gone;
 * no frame encoder either, since every frame is written as bytes ({@link SharedFrames}, {@link
 * ControlFrameBytes}); no handler keeps a buffer while the connection is idle; and the ping timer
 * is the event loop's ({@link PingSweep}): each context, handler and timer is heap that every idle
 * connection would hold.
 */
final class ChannelSetup extends ChannelInitializer<Channel> {

  private final ServerState server;
  private final SignalingConfig config;
  private final HttpDecoderConfig httpConfig;
  private final WebSocketDecoderConfig webSocketConfig;

  ChannelSetup(ServerState server) {
    this.server = server;
    this.config = server.config;
    this.httpConfig = new HttpDecoderConfig()
        .setMaxInitialLineLength(HeadCheck.MAX_HEAD_BYTES) // HeadCheck limits the two together
        .setMaxHeaderSize(HeadCheck.MAX_HEAD_BYTES)
        .setChunkedSupported(false);
    this.webSocketConfig = WebSocketDecoderConfig.newBuilder()
        .maxFramePayloadLength(config.maxMessageBytes()) // 1009 from the header, before the payload
        .expectMaskedFrames(true)
        .allowMaskMismatch(false) // an unmasked frame from a client is a protocol error: 1002
        .allowExtensions(false) // RSV bits without a negotiated extension: 1002
        .closeOnProtocolViolation(false) // CoreBridge closes with the code, as bytes: no encoder needed
        .withUTF8Validator(false) // checked per message by MessageAssembler: one handler less
        .build();
  }

  @Override
  protected void initChannel(Channel channel) {
    server.accepted(channel);
    ChannelPipeline pipeline = channel.pipeline();
    if (server.tls != null) {
      SslHandler tls = server.tls.newHandler(channel.alloc());
      tls.setHandshakeTimeoutMillis(config.handshakeTimeout().toMillis());
      pipeline.addLast("tls", tls);
    }
    pipeline.addLast("deadline", new HandshakeDeadline(config.handshakeTimeout().toNanos()));
    pipeline.addLast("head", new HeadCheck());
    pipeline.addLast("http-decoder", new HttpRequestDecoder(httpConfig));
    pipeline.addLast("http-encoder", new HttpResponseEncoder());
    pipeline.addLast("http", new HttpGate(server, this));
  }

  /** The frame decoder's limits, for the handshaker that installs it. */
  WebSocketDecoderConfig decoderConfig() {
    return webSocketConfig;
  }

  /**
   * Called once Netty's handshaker has put its frame codec in place of the HTTP codec: adds the
   * WebSocket handlers behind it and drops the handshake deadline. The caller removes itself.
   */
  void upgraded(ChannelPipeline pipeline, NettyConnection connection, ConnectionSlots.Slot slot,
      InboundBudget.Account account) {
    pipeline.remove("deadline");
    // Every frame is written as bytes (SharedFrames, ControlFrameBytes): the encoder the handshaker
    // added is not needed.
    pipeline.remove("wsencoder");
    pipeline.addLast("core", new CoreBridge(server, connection, slot, account));
  }
}
