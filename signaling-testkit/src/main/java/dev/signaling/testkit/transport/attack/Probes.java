package dev.signaling.testkit.transport.attack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One-shot requests over a fresh TCP connection, each bounded by a timeout: what a load balancer's
 * health check or a newcomer's upgrade sees of the server.
 */
public final class Probes {

  private Probes() {}

  /** The answer to a request: its status ({@code -1} when none came) and its whole text. */
  public record Answer(int status, String text, long millis) {}

  /** {@code GET /health} from the default loopback address. */
  public static Answer health(InetSocketAddress server, Duration timeout) {
    return exchange(server, null, Frames.ascii("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), timeout, false);
  }

  /**
   * A valid WebSocket upgrade from {@code local} (or the default address when null); the answer's
   * head. An upgraded connection is closed at once with a close handshake ({@code 1000}).
   */
  public static Answer upgrade(InetSocketAddress server, InetAddress local, Duration timeout) {
    return exchange(server, local, Frames.upgradeRequest(), timeout, true);
  }

  /**
   * Sends {@code request} and reads the answer until the server closes the connection (or, when
   * {@code headOnly}, until the end of the head).
   */
  public static Answer exchange(InetSocketAddress server, InetAddress local, byte[] request, Duration timeout,
      boolean headOnly) {
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      if (local != null) {
        socket.bind(new InetSocketAddress(local, 0));
      }
      socket.connect(server, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      socket.getOutputStream().write(request);
      String text = read(socket.getInputStream(), headOnly, start + timeout.toNanos());
      if (headOnly && text.startsWith("HTTP/1.1 101 ")) {
        // A clean close: the server's echo, then its end of the connection, before this one's.
        socket.getOutputStream().write(Frames.frame(Frames.CLOSE, new byte[] {0x03, (byte) 0xE8}));
        read(socket.getInputStream(), false, start + timeout.toNanos());
      }
      return new Answer(status(text), text, (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      return new Answer(-1, e.toString(), (System.nanoTime() - start) / 1_000_000);
    }
  }

  private static String read(InputStream in, boolean headOnly, long deadline) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int last4 = 0;
    for (int b = in.read(); b >= 0; b = in.read()) {
      out.write(b);
      last4 = (last4 << 8) | b;
      if (headOnly && last4 == 0x0D0A0D0A) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException("answer not complete in time: " + out.toString(StandardCharsets.ISO_8859_1));
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  private static int status(String text) {
    String[] parts = text.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      return -1;
    }
    try {
      return Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
