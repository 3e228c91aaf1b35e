package dev.signaling.transport.netty;

import dev.signaling.core.spi.ConnectionHandler;
import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.InboundBudget;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upgraded connection: hands whole messages to the core's {@link
 * ConnectionHandler} (one at a time, in order, on the channel's event loop), tells it when the
 * channel turns writable, and reports the close once, after giving back the connection slot and
 * the budget account. Every
 * call into the core is an adapter boundary: a {@link Throwable} closes this connection only, with
 * {@code 1011}. An exception from the handlers before it is sorted here: a protocol violation keeps
 * the close code Netty sent, a lost peer is a {@code 1006}, and an {@link Error} from the transport
 * itself (an {@code OutOfMemoryError} while decoding, say) closes the whole server.
 *
 * <p>The last layer of the connection's one handler, after {@link ControlFrames} and {@link
 * MessageAssembler}, and the last handler of the pipeline.
 */
final class CoreBridge extends MessageAssembler {

  private static final Logger log = LoggerFactory.getLogger(CoreBridge.class);

  private final ServerState server;
  private final ConnectionSlots.Slot slot;

  CoreBridge(ServerState server, NettyConnection connection, ConnectionSlots.Slot slot,
      InboundBudget.Account account) {
    super(connection, server.config.maxMessageBytes(), account);
    this.server = server;
    this.slot = slot;
  }

  NettyConnection connection() {
    return connection;
  }

  @Override
  void onText(String text) {
    ConnectionHandler handler = connection.handler();
    if (handler != null) {
      try {
        handler.onText(text);
      } catch (Throwable t) {
        connection.failed(t);
      }
    }
  }

  @Override
  void onBinary(ByteBuf data) {
    try {
      ConnectionHandler handler = connection.handler();
      if (handler != null) {
        handler.onBinary(data.nioBuffer());
      }
    } catch (Throwable t) {
      connection.failed(t);
    } finally {
      data.release();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      connection.writable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    super.channelInactive(ctx); // the partial message's budget first
    slot.close(); // before the hub learns of the close, so that a new client fits then
    account.close();
    connection.closed();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException violation) {
      log.debug("Connection {}: {}", connection.id(), violation.getMessage());
      int code = violation.closeStatus().code();
      String reason = code == 1009 ? InboundBudget.TOO_BIG_REASON // a frame header over the limit
          : violation.getMessage() != null ? violation.getMessage() : violation.closeStatus().reasonText();
      connection.protocolClose(code, reason);
    } else if (cause instanceof IOException) {
      log.debug("Connection {}: {}", connection.id(), cause.toString());
      ctx.close(); // reset by the peer, typically: reported as 1006
    } else {
      failed(cause);
    }
  }

  /**
   * A failure of this connection's own code (or the ping sweep's for it): this connection closes
   * with {@code 1011}, and an {@link Error} closes the whole server.
   */
  void failed(Throwable cause) {
    connection.failed(cause);
    if (cause instanceof Error error && !(error instanceof StackOverflowError)) {
      server.fatal(error);
    }
  }
}
