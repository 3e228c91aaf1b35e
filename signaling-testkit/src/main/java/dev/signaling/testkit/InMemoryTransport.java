package dev.signaling.testkit;

import dev.signaling.core.SignalingConfig;
import dev.signaling.core.SignalingHub;
import dev.signaling.core.SignalingListener;
import dev.signaling.core.cluster.Cluster;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link TestServer} without sockets: its clients talk to the hub through {@link
 * InMemoryConnection}s, synchronously (a message a client sends is handled, and its answers
 * queued, before {@code send} returns).
 */
public final class InMemoryTransport implements TestServer {

  private final SignalingHub hub;
  private final List<Client> clients = new CopyOnWriteArrayList<>();

  private InMemoryTransport(SignalingHub hub) {
    this.hub = hub;
  }

  /** Starts a hub with this configuration and listener. */
  public static InMemoryTransport start(SignalingConfig config, SignalingListener listener) {
    return new InMemoryTransport(SignalingHub.create(config, listener));
  }

  /** Starts a hub that is one server of {@code cluster} (it joins the cluster before returning). */
  public static InMemoryTransport start(SignalingConfig config, SignalingListener listener, Cluster cluster) {
    return new InMemoryTransport(SignalingHub.create(config, listener, cluster));
  }

  @Override
  public SignalingHub hub() {
    return hub;
  }

  @Override
  public Client connect() {
    InMemoryConnection connection = new InMemoryConnection();
    connection.attach(hub.open(connection));
    Client client = new Client(connection);
    clients.add(client);
    return client;
  }

  @Override
  public void close() {
    hub.close();
    clients.forEach(Client::close);
  }

  /** A client of the in-memory transport; its connection is reachable for slow-reader tests. */
  public static final class Client implements TestClient {
    private final InMemoryConnection connection;

    Client(InMemoryConnection connection) {
      this.connection = connection;
    }

    /** The connection the hub sees. */
    public InMemoryConnection connection() {
      return connection;
    }

    @Override
    public synchronized void send(String text) {
      if (!connection.isClosed()) {
        connection.handler().onText(text);
      }
    }

    @Override
    public synchronized void sendBinary(byte[] data) {
      if (!connection.isClosed()) {
        connection.handler().onBinary(ByteBuffer.wrap(data));
      }
    }

    @Override
    public String next() {
      try {
        String message = connection.received.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
          throw new AssertionError(connection.isClosed()
              ? "connection closed before the expected message"
              : "no message within " + TIMEOUT);
        }
        return message;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }

    /** Every message received so far and not yet read, without waiting (this transport is synchronous). */
    public List<String> drain() {
      List<String> all = new ArrayList<>();
      connection.received.drainTo(all);
      return all;
    }

    /** How the connection was closed, or {@code null} while it is open. */
    public CloseStatus closeStatus() {
      return connection.closed.getNow(null);
    }

    @Override
    public CloseStatus awaitClose() {
      try {
        return connection.closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      } catch (ExecutionException | TimeoutException e) {
        throw new AssertionError("connection not closed within " + TIMEOUT, e);
      }
    }

    @Override
    public boolean isClosed() {
      return connection.isClosed();
    }

    @Override
    public void close() {
      connection.closeFromClient(1000);
    }

    @Override
    public String toString() {
      return "Client[" + connection.id() + "]";
    }

  }
}
