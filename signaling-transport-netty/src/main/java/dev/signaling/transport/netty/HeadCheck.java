package dev.signaling.transport.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * Reads the request head's bytes as they pass on to Netty's HTTP decoder, and answers at once what
 * the protocol refuses and that decoder lets through or waits on: a head over 8 KiB in all (line
 * and headers together: {@code 431}), a blank line before the request line, a request line that
 * is not three parts separated by single spaces, a folded header line, a bare {@code CR} or {@code
 * LF} ({@code 400}). The decoder checks the rest (versions, header names, control characters).
 * Copies nothing; removes itself once the head has passed, so an upgraded connection never holds
 * it, and hands on the head apart from what follows it.
 */
final class HeadCheck extends ChannelInboundHandlerAdapter {

  /** The longest request head, its closing empty line included. */
  static final int MAX_HEAD_BYTES = 8 * 1024;

  private int bytes;
  /** 0 for the request line, then one per header line. */
  private int line;
  /** Bytes of the current line so far, its line break excluded. */
  private int lineLength;
  private boolean afterCr;
  private int spaces;
  private boolean afterSpace;
  private boolean answered;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (answered) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    int end = in.writerIndex();
    for (int i = in.readerIndex(); i < end; i++) {
      Verdict verdict = next(in.getByte(i));
      if (verdict == Verdict.MORE) {
        continue;
      }
      if (verdict == Verdict.END) {
        // The head alone first: by the time the bytes behind it (a client's first frames, sent
        // without waiting for the 101) follow, the upgrade has put the WebSocket handlers and the
        // hub's handler in place, so none of them is lost or read as HTTP.
        ByteBuf head = in.readRetainedSlice(i + 1 - in.readerIndex());
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(head);
        if (in.isReadable() && ctx.channel().isActive()) {
          ctx.fireChannelRead(in);
        } else {
          in.release();
        }
      } else {
        in.release();
        answer(ctx, verdict == Verdict.TOO_LARGE ? HttpAnswers.headTooLarge() : HttpAnswers.badRequest());
      }
      return;
    }
    ctx.fireChannelRead(in);
  }

  private enum Verdict { MORE, END, MALFORMED, TOO_LARGE }

  private Verdict next(byte b) {
    if (++bytes > MAX_HEAD_BYTES) {
      return Verdict.TOO_LARGE;
    }
    if (afterCr != (b == '\n')) {
      return Verdict.MALFORMED; // a CR not followed by LF, or an LF without its CR
    }
    if (b == '\r') {
      afterCr = true;
      return Verdict.MORE;
    }
    if (b == '\n') {
      afterCr = false;
      return endOfLine();
    }
    if (line == 0) {
      if (b == ' ') {
        if (lineLength == 0 || afterSpace) {
          return Verdict.MALFORMED; // an empty part
        }
        spaces++;
      }
      afterSpace = b == ' ';
    } else if (lineLength == 0 && (b == ' ' || b == '\t')) {
      return Verdict.MALFORMED; // a folded line (RFC 9112 section 5.2)
    }
    lineLength++;
    return Verdict.MORE;
  }

  private Verdict endOfLine() {
    if (lineLength == 0) {
      // An empty line ends the head; before the request line it is refused, not skipped.
      return line == 0 ? Verdict.MALFORMED : Verdict.END;
    }
    if (line == 0 && (spaces != 2 || afterSpace)) {
      return Verdict.MALFORMED;
    }
    line++;
    lineLength = 0;
    return Verdict.MORE;
  }

  private void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
    answered = true;
    ctx.channel().config().setAutoRead(false); // nothing more is read: the answer ends the connection
    // From the pipeline's tail, so that the HTTP encoder behind this handler writes it.
    ctx.channel().writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
