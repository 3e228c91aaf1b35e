package dev.signaling.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A server that does next to nothing, to show what the load generator can drive: raw NIO on one
 * thread, no WebSocket library, frames written in batches. It routes a {@code signal} by its
 * {@code "to"}, answers {@code register} with an empty participants list, and sends {@code
 * heartbeat}s to every other node. Not a signaling server: only the generator's counterpart.
 */
final class RawServer implements Loop.Handler, AutoCloseable {

  private static final byte[] EMPTY_LIST =
      "{\"type\":\"participants\",\"participants\":[]}".getBytes(StandardCharsets.US_ASCII);

  private final ServerSocketChannel channel;
  private final Loop loop;
  private final Map<String, WsConn> routes = new HashMap<>();
  private final List<WsConn> registered = new ArrayList<>();

  RawServer() {
    try {
      channel = ServerSocketChannel.open();
      channel.bind(new InetSocketAddress("127.0.0.1", 0), 1024);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    loop = new Loop("raw-server", this);
    loop.serve(channel);
    loop.start();
  }

  int port() {
    return channel.socket().getLocalPort();
  }

  @Override
  public void onMessage(WsConn c, byte[] buf, int off, int len) {
    switch (Wire.type(buf, off, len)) {
      case Wire.SIGNAL -> {
        String to = Wire.stringField(buf, off, len, Wire.TO_KEY);
        WsConn target = to == null ? null : routes.get(to);
        if (target != null) {
          target.send(buf, off, len);
        }
      }
      case Wire.HEARTBEAT -> {
        byte[] frame = (byte[]) c.attachment;
        if (frame != null) {
          for (WsConn other : registered) {
            if (other != c) {
              other.send(frame);
            }
          }
        }
      }
      case Wire.REGISTER -> {
        String nodeId = Wire.stringField(buf, off, len, Wire.NODE_ID_KEY);
        if (nodeId != null) {
          c.attachment = ("{\"type\":\"heartbeat\",\"from\":\"" + nodeId + "\"}").getBytes(StandardCharsets.UTF_8);
          routes.put(nodeId, c);
          registered.add(c);
          c.send(EMPTY_LIST);
        }
      }
      default -> { }
    }
  }

  @Override
  public void onClose(WsConn c) {
    registered.remove(c);
    routes.values().remove(c);
  }

  @Override
  public void close() {
    loop.close();
    try {
      channel.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}
