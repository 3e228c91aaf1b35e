package dev.signaling.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made once per test JVM
 * with the JDK's own {@code keytool} (no other library) in a temporary PKCS12 keystore. It gives
 * servers their {@link SSLContext}, and clients one that trusts exactly this certificate.
 */
public final class TestCertificate {

  /** The keystore's type. */
  public static final String TYPE = "PKCS12";
  /** The keystore's and the key's password. */
  public static final String PASSWORD = "test-only-password";
  private static final String ALIAS = "signaling-test";

  private static TestCertificate instance;

  private final Path keystore;
  private final KeyManagerFactory keyManagers;
  private final SSLContext server;
  private final SSLContext client;

  private TestCertificate(Path keystore) throws IOException, GeneralSecurityException {
    this.keystore = keystore;
    KeyStore keys = KeyStore.getInstance(TYPE);
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, PASSWORD.toCharArray());
    keyManagers = kmf;
    server = SSLContext.getInstance("TLS");
    server.init(kmf.getKeyManagers(), null, null);

    // A trust store holds certificates only: trust anchors are never taken from key entries.
    KeyStore trusted = KeyStore.getInstance(TYPE);
    trusted.load(null, null);
    trusted.setCertificateEntry(ALIAS, keys.getCertificate(ALIAS));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trusted);
    client = SSLContext.getInstance("TLS");
    client.init(null, tmf.getTrustManagers(), null);
  }

  /** The certificate of this JVM, generated on first use (about a second). */
  public static synchronized TestCertificate get() {
    if (instance == null) {
      try {
        instance = new TestCertificate(generate());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("cannot load the test keystore", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running keytool", e);
      }
    }
    return instance;
  }

  /** The PKCS12 keystore file holding the key and certificate (password {@link #PASSWORD}). */
  public Path keystore() {
    return keystore;
  }

  /** A server context: the key and certificate. */
  public SSLContext serverContext() {
    return server;
  }

  /** The key and certificate as a key manager factory (for TLS stacks other than the JDK's). */
  public KeyManagerFactory keyManagers() {
    return keyManagers;
  }

  /** A client context that trusts this certificate and nothing else. */
  public SSLContext clientContext() {
    return client;
  }

  private static Path generate() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("signaling-tls");
    Path keystore = dir.resolve("server.p12");
    dir.toFile().deleteOnExit();
    keystore.toFile().deleteOnExit();
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt",
        "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-keystore", keystore.toString(), "-storetype", TYPE,
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("keytool did not finish within 60 s");
    }
    if (process.exitValue() != 0) {
      throw new IOException("keytool failed (" + process.exitValue() + "): "
          + new String(output, StandardCharsets.UTF_8));
    }
    return keystore;
  }
}
