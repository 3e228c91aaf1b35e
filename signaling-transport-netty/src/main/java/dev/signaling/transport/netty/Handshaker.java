package dev.signaling.transport.netty;

import dev.signaling.core.spi.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker13;
import io.netty.util.AsciiString;
import java.util.Date;
import java.util.List;

/**
 * Netty's RFC 6455 handshaker, with a frame decoder that accounts the bytes it holds in the
 * server-wide {@link InboundBudget}: a frame whose payload has not all arrived costs what arrived
 * (Netty buffers only that), and that is reserved in the connection's account until the frame is
 * complete. Netty's decoder already refuses, from the header, a frame over the message limit.
 */
final class Handshaker extends WebSocketServerHandshaker13 {

  private static final AsciiString DATE = AsciiString.cached("Date");
  private static final AsciiString ACCEPT = AsciiString.cached("Sec-WebSocket-Accept");

  private final WebSocketDecoderConfig config;
  private final InboundBudget.Account account;

  Handshaker(String uri, WebSocketDecoderConfig config, InboundBudget.Account account) {
    super(uri, null, config);
    this.config = config;
    this.account = account;
  }

  /**
   * Netty's {@code 101}, spelled as the protocol documents it: the usual capitals, a {@code Date},
   * no other header (no subprotocol is ever chosen, and nothing names the software).
   */
  @Override
  protected FullHttpResponse newHandshakeResponse(FullHttpRequest request, HttpHeaders headers) {
    FullHttpResponse response = super.newHandshakeResponse(request, headers);
    String accept = response.headers().get(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT);
    response.headers().clear()
        .add(HttpAnswers.CONNECTION, HttpAnswers.UPGRADE)
        .add(DATE, DateFormatter.format(new Date()))
        .add(ACCEPT, accept)
        .add(HttpAnswers.UPGRADE, HttpAnswers.WEBSOCKET);
    return response;
  }

  @Override
  protected WebSocketFrameDecoder newWebsocketDecoder() {
    return new BudgetedDecoder(config, account);
  }

  /** Reconciles the account with the undecoded bytes after every decoding step. */
  private static final class BudgetedDecoder extends WebSocket13FrameDecoder {
    private final InboundBudget.Account account;
    /** Bytes of an incomplete frame reserved now. */
    private long reserved;

    BudgetedDecoder(WebSocketDecoderConfig config, InboundBudget.Account account) {
      super(config);
      this.account = account;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
      super.decode(ctx, in, out);
      long held = in.readableBytes();
      if (held > reserved) {
        if (!account.reserve(held - reserved)) {
          in.skipBytes(in.readableBytes()); // shed: the connection is being closed
          held = 0;
        }
      } else if (held < reserved) {
        account.release(reserved - held);
      }
      reserved = held;
    }
  }
}
