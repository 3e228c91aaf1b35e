package dev.signaling.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code 127.0.0.1}, made once per test JVM by the JDK's {@code
 * keytool} in a temporary PKCS12 keystore, and a client context that trusts it. (The core's
 * test-jar has the same; this module cannot depend on it, see its pom.)
 */
final class TestKeystore {

  /** How long a test waits for an expected event. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final String TYPE = "PKCS12";
  static final String PASSWORD = "examples-test-password";
  private static final String ALIAS = "examples-test";

  private static TestKeystore instance;

  private final Path path;
  private final SSLContext client;
  private final SSLContext server;

  private TestKeystore(Path path) throws IOException, GeneralSecurityException {
    this.path = path;
    KeyStore keys = KeyStore.getInstance(TYPE);
    try (InputStream in = Files.newInputStream(path)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance(TYPE);
    trusted.load(null, null);
    trusted.setCertificateEntry(ALIAS, keys.getCertificate(ALIAS));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD.toCharArray());
    server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);
  }

  static synchronized TestKeystore get() {
    if (instance == null) {
      try {
        instance = new TestKeystore(generate());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  /** The keystore file (type {@link #TYPE}, password {@link #PASSWORD}). */
  Path path() {
    return path;
  }

  /** A server context with this certificate and its key. */
  SSLContext serverContext() {
    return server;
  }

  /** A client context trusting this certificate only. */
  SSLContext clientContext() {
    return client;
  }

  private static Path generate() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("signaling-examples-tls");
    Path keystore = dir.resolve("server.p12");
    dir.toFile().deleteOnExit();
    keystore.toFile().deleteOnExit();
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-noprompt", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
        "-validity", "2", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore", keystore.toString(), "-storetype", TYPE, "-storepass", PASSWORD, "-keypass", PASSWORD);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
    }
    return keystore;
  }
}
