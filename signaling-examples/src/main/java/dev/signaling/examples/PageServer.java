package dev.signaling.examples;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Serves the browser demo (a WebRTC chat page, {@code src/main/resources/web}) on its own HTTP
 * port with the JDK's built-in server, and tells the page where the signaling server is through
 * {@code /config.json}.
 *
 * <p>It serves a fixed set of files, read from the classpath once at start, and nothing else: no
 * directory listing, no path ever reaches the file system. {@code GET} and {@code HEAD} only.
 */
final class PageServer implements AutoCloseable {

  /** URL path to classpath resource and content type. */
  private static final Map<String, Page> PAGES = Map.of(
      "/", new Page("web/index.html", "text/html; charset=utf-8"),
      "/index.html", new Page("web/index.html", "text/html; charset=utf-8"),
      "/app.js", new Page("web/app.js", "text/javascript; charset=utf-8"),
      "/style.css", new Page("web/style.css", "text/css; charset=utf-8"));

  /**
   * The page needs its own scripts and styles, {@code config.json}, and a WebSocket to whichever
   * signaling server it is pointed at; nothing else may load.
   */
  private static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; "
          + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private record Page(String resource, String contentType) {}

  private record Body(byte[] bytes, String contentType) {}

  private final HttpServer server;
  private final Map<String, Body> bodies;

  private PageServer(HttpServer server, Map<String, Body> bodies) {
    this.server = server;
    this.bodies = bodies;
  }

  /**
   * Starts serving the demo.
   *
   * @param host the interface to bind, as for the signaling server
   * @param port the HTTP port, {@code 0} for a free one
   * @param signalingPort the signaling server's port, which the page combines with the host name
   *     it was loaded from
   * @throws UncheckedIOException if the port cannot be bound (the message names it)
   */
  static PageServer start(String host, int port, int signalingPort) {
    Objects.requireNonNull(host, "host");
    Map<String, Body> bodies = new HashMap<>();
    PAGES.forEach((path, page) -> bodies.put(path, new Body(resource(page.resource()), page.contentType())));
    bodies.put("/config.json", new Body(
        ("{\"signalingPort\":" + signalingPort + "}").getBytes(StandardCharsets.UTF_8),
        "application/json; charset=utf-8"));
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the browser demo on port " + port + " of " + host
          + ": " + e.getMessage(), e);
    }
    PageServer pages = new PageServer(server, Map.copyOf(bodies));
    server.createContext("/", pages::handle);
    server.start();
    return pages;
  }

  /** The port the page is served on. */
  int port() {
    return server.getAddress().getPort();
  }

  /** The page's address, on 127.0.0.1 when bound to all interfaces. */
  URI uri() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getAddress().getHostAddress();
    if (host.contains(":")) {
      host = "[" + host.replaceAll("%.*", "") + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  /** Stops at once: a demo page has no request worth waiting for. */
  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      Headers headers = exchange.getResponseHeaders();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        headers.set("Allow", "GET, HEAD");
        respond(exchange, 405, text("method not allowed"), method);
        return;
      }
      Body body = bodies.get(exchange.getRequestURI().getRawPath());
      if (body == null) {
        respond(exchange, 404, text("not found"), method);
        return;
      }
      headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      respond(exchange, 200, body, method);
    }
  }

  private static void respond(HttpExchange exchange, int status, Body body, String method) throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", body.contentType());
    headers.set("Cache-Control", "no-store");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    if (method.equals("HEAD")) {
      // -1: no body follows; the length a GET would have is still announced.
      headers.set("Content-Length", String.valueOf(body.bytes().length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.bytes().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body.bytes());
    }
  }

  private static Body text(String message) {
    return new Body((message + "\n").getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
  }

  private static byte[] resource(String name) {
    try (InputStream in = PageServer.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }
}
