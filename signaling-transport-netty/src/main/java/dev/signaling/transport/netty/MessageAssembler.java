package dev.signaling.transport.netty;

import dev.signaling.core.spi.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.CharsetUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * Turns data frames into whole messages for the core: a {@code String} for text, a {@code ByteBuf}
 * for binary. A text message that is not well-formed UTF-8 (RFC 3629, as Netty's {@code
 * ByteBufUtil.isText} checks it) closes the connection with {@code 1007}; a fragmented one is
 * checked once whole, its size being bounded by the limit meanwhile.
 *
 * <p>A fragmented message costs the bytes that actually arrived (copied into one buffer as they
 * come, each fragment released at once), and every fragment counts against the message limit
 * and the server-wide {@link InboundBudget} with {@link InboundBudget#FRAGMENT_OVERHEAD_BYTES} on
 * top of its payload, so that a stream of empty or tiny fragments trips {@code 1009} as surely as
 * a large one. (Netty's frame decoder already refuses a single frame over the limit from its
 * header, before its payload is read.)
 *
 * <p>The second layer of the connection's one handler (after {@link ControlFrames}): whole
 * messages go on to {@link #onText} and {@link #onBinary}.
 */
abstract class MessageAssembler extends ControlFrames {

  private final int maxMessageBytes;
  final InboundBudget.Account account;
  /** The fragmented message being received, or {@code null}. */
  private ByteBuf partial;
  private boolean partialIsText;
  private long charged;
  /** Over the limit, or a text not UTF-8: the connection is closing, nothing more is delivered. */
  private boolean closing;

  MessageAssembler(NettyConnection connection, int maxMessageBytes, InboundBudget.Account account) {
    super(connection);
    this.maxMessageBytes = maxMessageBytes;
    this.account = account;
  }

  @Override
  final void dataRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame
        || msg instanceof ContinuationWebSocketFrame) || closing) {
      ReferenceCountUtil.release(msg); // the rest of the upgrade request, or input after a 1009
      return;
    }
    WebSocketFrame frame = (WebSocketFrame) msg;
    try {
      ByteBuf content = frame.content();
      if (frame instanceof ContinuationWebSocketFrame) {
        // Netty's decoder lets a continuation through only after a first fragment, so there is
        // a partial message here; every fragment is charged all the same.
        if (charge(ctx, content.readableBytes())) {
          if (partial != null) {
            partial.writeBytes(content);
          }
          if (frame.isFinalFragment()) {
            ByteBuf whole = partial;
            partial = null;
            account.release(charged);
            charged = 0;
            if (whole != null) {
              deliver(ctx, partialIsText, whole);
            }
          }
        }
      } else if (frame.isFinalFragment()) {
        deliver(ctx, frame instanceof TextWebSocketFrame, content.retain());
      } else {
        charged = 0;
        if (charge(ctx, content.readableBytes())) {
          partialIsText = frame instanceof TextWebSocketFrame;
          // Unpooled: a fragmented message is rare, and its memory goes back when it is done
          // rather than stay cached in the pool's chunks (a crowd of hoarders would leave the
          // heap full of them).
          partial = Unpooled.buffer(content.readableBytes(), maxMessageBytes);
          partial.writeBytes(content);
        }
      }
    } finally {
      frame.release();
    }
  }

  /**
   * Counts one fragment against the message limit and reserves it in the budget; past the limit,
   * closes with {@code 1009} and returns {@code false} (as the budget does when it sheds us).
   */
  private boolean charge(ChannelHandlerContext ctx, int payload) {
    long cost = (long) payload + InboundBudget.FRAGMENT_OVERHEAD_BYTES;
    charged += cost;
    if (charged <= maxMessageBytes && account.reserve(cost)) {
      return true;
    }
    String reason = charged > maxMessageBytes ? InboundBudget.TOO_BIG_REASON : InboundBudget.OVER_BUDGET_REASON;
    closing = true;
    releasePartial();
    ctx.channel().config().setAutoRead(false);
    connection.protocolClose(1009, reason);
    return false;
  }

  /** Hands a whole message on; takes ownership of {@code bytes}. */
  private void deliver(ChannelHandlerContext ctx, boolean text, ByteBuf bytes) {
    if (text) {
      try {
        if (ByteBufUtil.isText(bytes, CharsetUtil.UTF_8)) {
          onText(bytes.toString(CharsetUtil.UTF_8));
        } else {
          closing = true;
          ctx.channel().config().setAutoRead(false);
          connection.protocolClose(1007, "invalid UTF-8");
        }
      } finally {
        bytes.release();
      }
    } else {
      onBinary(bytes);
    }
  }

  /** A whole, well-formed text message. */
  abstract void onText(String text);

  /** A whole binary message; the callee releases it. */
  abstract void onBinary(ByteBuf data);

  private void releasePartial() {
    if (partial != null) {
      partial.release();
      partial = null;
    }
    account.release(charged);
    charged = 0;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releasePartial();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releasePartial();
  }
}
