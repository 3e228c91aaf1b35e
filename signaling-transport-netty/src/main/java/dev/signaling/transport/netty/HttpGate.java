package dev.signaling.transport.netty;

import dev.signaling.core.HandshakeRequest;
import dev.signaling.core.spi.ConnectionSlots;
import dev.signaling.core.spi.InboundBudget;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first request on a connection: answered here as plain HTTP ({@code /health}, {@code 404},
 * {@code 431}, {@code 400}) and then closed, or refused as an upgrade ({@code 403} for an origin,
 * {@code 426}/{@code 400} for a malformed upgrade, {@code 503} over the connection limit or while
 * stopping, {@code 429} over the per-address cap), or upgraded: Netty's handshaker ({@link Handshaker})
 * answers {@code 101} and puts its frame codec in place of the HTTP codec, the connection is handed to the hub, and {@link
 * ChannelSetup#upgraded} replaces this handler with the WebSocket ones.
 */
final class HttpGate extends SimpleChannelInboundHandler<HttpObject> {

  private static final Logger log = LoggerFactory.getLogger(HttpGate.class);

  private final ServerState server;
  private final ChannelSetup setup;
  private boolean answered;

  HttpGate(ServerState server, ChannelSetup setup) {
    this.server = server;
    this.setup = setup;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
    if (answered || !(message instanceof HttpRequest request)) {
      return; // a body, or anything after the first request: ignored (and released)
    }
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      answer(ctx, result.cause() instanceof TooLongFrameException
          ? HttpAnswers.headTooLarge() : HttpAnswers.badRequest());
      return;
    }
    switch (UpgradeCheck.of(request)) {
      case PLAIN -> answer(ctx, HttpAnswers.plain(request.method().name(), request.uri(), server.isShuttingDown()));
      case INVALID -> answer(ctx, HttpAnswers.invalidUpgrade());
      case WRONG_VERSION -> answer(ctx, HttpAnswers.unsupportedVersion());
      case UPGRADE -> upgrade(ctx, request);
    }
  }

  private void upgrade(ChannelHandlerContext ctx, HttpRequest request) {
    Channel channel = ctx.channel();
    if (!server.allowedOrigins.allows(request.headers().getAll(HttpHeaderNames.ORIGIN))) {
      log.debug("Upgrade refused with 403 from {}: origin not allowed", channel.remoteAddress());
      answer(ctx, HttpAnswers.forbiddenOrigin());
      return;
    }
    InetSocketAddress remote = channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
    ConnectionSlots.Admission admission = server.slots.tryAcquire(remote == null ? null : remote.getAddress());
    if (admission instanceof ConnectionSlots.Refusal refusal) {
      log.debug("Upgrade refused with {} from {}: {}", refusal.status(), remote, refusal.body());
      answer(ctx, HttpAnswers.refused(refusal));
      return;
    }
    answered = true;
    NettyConnection connection = new NettyConnection(channel, server.nextId(), handshake(channel, request), server);
    // From here on the WebSocket pipeline gives the slot and the budget account back at the close.
    InboundBudget.Account account = server.inbound.open(connection::shed);
    new Handshaker(request.uri(), setup.decoderConfig(), account).handshake(channel, new DefaultFullHttpRequest(
        request.protocolVersion(), request.method(), request.uri(), Unpooled.EMPTY_BUFFER, request.headers(),
        EmptyHttpHeaders.INSTANCE));
    setup.upgraded(ctx.pipeline(), connection, (ConnectionSlots.Slot) admission, account);
    ctx.pipeline().remove(this);
    log.debug("Connection {}: opened from {}", connection.id(), channel.remoteAddress());
    try {
      // The 101 is queued first: whatever the hub sends at once goes out behind it.
      connection.attach(server.hub.open(connection));
    } catch (Throwable t) {
      connection.failed(t);
    }
  }

  private void answer(ChannelHandlerContext ctx, FullHttpResponse response) {
    answered = true;
    ctx.channel().config().setAutoRead(false); // nothing more is read: the answer ends the connection
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  /** What the connection keeps of its upgrade request, the values that repeat between connections shared. */
  private HandshakeRequest handshake(Channel channel, HttpRequest request) {
    HeaderValues shared = server.headerValues;
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : request.headers()) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(shared.of(name, header.getValue()));
    }
    String target = request.uri();
    String path = HttpAnswers.path(target);
    return new HandshakeRequest(shared.path(path.isEmpty() ? "/" : path), HttpAnswers.query(target), headers,
        channel.remoteAddress() instanceof InetSocketAddress remote ? remote : null);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Error error && !(error instanceof StackOverflowError)) {
      server.fatal(error);
    }
    log.debug("Connection from {} before its upgrade: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
