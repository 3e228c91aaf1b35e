package dev.signaling.client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import javax.net.ssl.SSLContext;

/**
 * Configures and connects a {@link SignalingClient}: {@link SignalingClient#builder}, the
 * settings, then {@link #connect()}. Not thread-safe; reusable (each {@code connect()} starts a
 * new client with the settings of that moment).
 */
public final class SignalingClientBuilder {

  /**
   * The largest message the client reads by default: more than the largest {@code participants}
   * list a server with default limits sends (10,000 nodes with the longest fields).
   */
  public static final int DEFAULT_MAX_MESSAGE_CHARS = 64 * 1024 * 1024;

  private final URI uri;
  private final String nodeId;
  private final String username;
  private final StringBuilder query = new StringBuilder();
  private final Map<String, List<String>> headers = new LinkedHashMap<>();
  private String publicKey;
  private String encryptionKey;
  private RegisterAuth auth;
  private SignalingClient.Listener listener = new SignalingClient.Listener() {};
  private Backoff backoff = Backoff.DEFAULT;
  private Duration heartbeatInterval = Duration.ZERO;
  private Duration pingInterval = Duration.ofSeconds(30);
  private Duration connectTimeout = Duration.ofSeconds(10);
  private int maxMessageChars = DEFAULT_MAX_MESSAGE_CHARS;
  private SSLContext sslContext;
  private HttpClient httpClient;
  private ThreadFactory threadFactory;
  private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

  SignalingClientBuilder(URI uri, String nodeId, String username) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme();
    if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
      throw new IllegalArgumentException("uri must be ws:// or wss://: " + uri);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("uri has no host: " + uri);
    }
    this.uri = URI.create(scheme.toLowerCase(Locale.ROOT) + uri.toString().substring(scheme.length()));
    this.nodeId = SignalingClient.requireNonEmpty(nodeId, "nodeId");
    this.username = SignalingClient.requireNonEmpty(username, "username");
  }

  /**
   * The {@code publicKey} to register with. Default: none.
   *
   * @param publicKey the key, as the application encodes it
   * @return this builder
   */
  public SignalingClientBuilder publicKey(String publicKey) {
    this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    return this;
  }

  /**
   * The {@code encryptionKey} to register with. Default: none.
   *
   * @param encryptionKey the key, as the application encodes it
   * @return this builder
   */
  public SignalingClientBuilder encryptionKey(String encryptionKey) {
    this.encryptionKey = Objects.requireNonNull(encryptionKey, "encryptionKey");
    return this;
  }

  /**
   * The {@code auth} object of every register, made anew before each one: {@link Ed25519Signer}
   * for the server's {@code Ed25519Authenticator}, or a lambda returning the JSON object a custom
   * authenticator reads. Default: no {@code auth}.
   *
   * @param auth the supplier
   * @return this builder
   */
  public SignalingClientBuilder auth(RegisterAuth auth) {
    this.auth = Objects.requireNonNull(auth, "auth");
    return this;
  }

  /**
   * Adds a header to every WebSocket upgrade request, e.g. {@code Authorization}; the server's
   * {@code RegistrationAuthenticator} reads it. May be called again for more values.
   *
   * @param name the header name
   * @param value its value
   * @return this builder
   * @throws IllegalArgumentException if the name or value is not valid in HTTP, or the header is
   *     one the WebSocket handshake sets itself ({@code Host}, {@code Upgrade}, {@code
   *     Connection}, {@code Sec-WebSocket-*}, ...)
   */
  public SignalingClientBuilder header(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (name.toLowerCase(Locale.ROOT).startsWith("sec-websocket-")) {
      throw new IllegalArgumentException("the WebSocket handshake sets " + name + " itself");
    }
    HttpRequest.newBuilder().header(name, value); // the JDK's own checks, including its restricted names
    headers.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    return this;
  }

  /**
   * Adds {@code name=value} (URL-encoded) to the query of the upgrade request's URI, e.g. a token
   * for a server that reads it there (browsers cannot set headers on a WebSocket, so servers
   * often do).
   *
   * @param name the parameter name
   * @param value its value
   * @return this builder
   */
  public SignalingClientBuilder queryParameter(String name, String value) {
    SignalingClient.requireNonEmpty(name, "name");
    Objects.requireNonNull(value, "value");
    query.append(query.length() == 0 ? "" : "&").append(URLEncoder.encode(name, StandardCharsets.UTF_8))
        .append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    return this;
  }

  /**
   * Who hears what the client receives. Default: a listener that ignores everything.
   *
   * @param listener the listener
   * @return this builder
   */
  public SignalingClientBuilder listener(SignalingClient.Listener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Sends a {@code heartbeat} at this interval while registered. Default {@link Duration#ZERO}:
   * no automatic heartbeat.
   *
   * @param interval the interval, or zero for none
   * @return this builder
   */
  public SignalingClientBuilder heartbeatInterval(Duration interval) {
    this.heartbeatInterval = notNegative(interval, "interval");
    return this;
  }

  /**
   * How reconnection waits between attempts. Default {@link Backoff#DEFAULT}.
   *
   * @param backoff the delays
   * @return this builder
   */
  public SignalingClientBuilder reconnect(Backoff backoff) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    return this;
  }

  /**
   * No reconnection: the first connection that ends (or fails, or whose register is refused)
   * closes the client.
   *
   * @return this builder
   */
  public SignalingClientBuilder noReconnect() {
    this.backoff = null;
    return this;
  }

  /**
   * How long opening a connection may take: TCP, TLS and the WebSocket upgrade. Default 10 s.
   *
   * @param timeout a positive duration
   * @return this builder
   */
  public SignalingClientBuilder connectTimeout(Duration timeout) {
    this.connectTimeout = positive(timeout, "timeout");
    return this;
  }

  /**
   * The largest message the client reads; a larger one ends the connection with {@code 1009}
   * before it is held whole. Default {@value #DEFAULT_MAX_MESSAGE_CHARS} characters.
   *
   * @param chars a positive number of characters
   * @return this builder
   */
  public SignalingClientBuilder maxMessageChars(int chars) {
    if (chars <= 0) {
      throw new IllegalArgumentException("chars must be positive: " + chars);
    }
    this.maxMessageChars = chars;
    return this;
  }

  /**
   * The TLS context for {@code wss://}, e.g. one that trusts a private CA. Default: the JDK's
   * default. The host name is always verified. Not with {@link #httpClient}, which has its own.
   *
   * @param context the context
   * @return this builder
   */
  public SignalingClientBuilder sslContext(SSLContext context) {
    this.sslContext = Objects.requireNonNull(context, "context");
    return this;
  }

  /**
   * The JDK HTTP client that opens the connections, with its TLS context, proxy and executor:
   * for applications that share one between clients, or close it themselves (JDK 21+). Default:
   * a client of this {@code SignalingClient}'s own, whose threads end with it.
   *
   * @param client the HTTP client
   * @return this builder
   */
  public SignalingClientBuilder httpClient(HttpClient client) {
    this.httpClient = Objects.requireNonNull(client, "client");
    return this;
  }

  /**
   * Makes the client's event thread. Default: a daemon thread named {@code
   * signaling-client-<n>-<nodeId>}.
   *
   * @param factory the factory
   * @return this builder
   */
  public SignalingClientBuilder threadFactory(ThreadFactory factory) {
    this.threadFactory = Objects.requireNonNull(factory, "factory");
    return this;
  }

  /** How often to ping the server; zero for never (tests make it short). Default 30 s. */
  SignalingClientBuilder pingInterval(Duration interval) {
    this.pingInterval = notNegative(interval, "interval");
    return this;
  }

  /** Where the backoff's jitter comes from (tests make it predictable). */
  SignalingClientBuilder jitterSource(DoubleSupplier source) {
    this.jitter = Objects.requireNonNull(source, "source");
    return this;
  }

  /**
   * Starts the client; returns at once, the connection opens in the background. Wait with
   * {@link SignalingClient#awaitRegistered} or {@link SignalingClient.Listener#onRegistered}.
   *
   * @return the running client
   * @throws IllegalStateException if both {@link #sslContext} and {@link #httpClient} were set
   */
  public SignalingClient connect() {
    if (sslContext != null && httpClient != null) {
      throw new IllegalStateException("sslContext goes to the client's own HttpClient: set it on yours instead");
    }
    Map<String, List<String>> headerCopy = new LinkedHashMap<>();
    headers.forEach((name, values) -> headerCopy.put(name, List.copyOf(values)));
    URI withQuery = query.length() == 0 ? uri : URI.create(uri + (uri.getRawQuery() == null ? "?" : "&") + query);
    ClientSettings settings = new ClientSettings(withQuery, nodeId, username, publicKey, encryptionKey,
        headerCopy, auth, backoff, heartbeatInterval, pingInterval, connectTimeout, maxMessageChars,
        sslContext, httpClient, threadFactory, jitter);
    return new SignalingClient(settings, listener);
  }

  private static Duration notNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    return value;
  }

  private static Duration positive(Duration value, String name) {
    if (notNegative(value, name).isZero()) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
    return value;
  }
}
