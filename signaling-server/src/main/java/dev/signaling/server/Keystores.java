package dev.signaling.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** Turns a keystore file into the {@link SSLContext} that {@code SignalingServer.Builder.tls} takes. */
final class Keystores {

  private Keystores() {}

  /**
   * A server context holding the key and certificate chain of {@code keystore}.
   *
   * @param keystore a keystore file with one private key entry (its certificate chain included)
   * @param password the keystore's password, also the key's
   * @param type the keystore type: {@code PKCS12} (what {@code keytool} and {@code openssl pkcs12}
   *     write by default) or {@code JKS}
   * @throws IOException if the file cannot be read or the password is wrong
   * @throws GeneralSecurityException if the keystore holds no usable key
   */
  static SSLContext serverContext(Path keystore, char[] password, String type)
      throws IOException, GeneralSecurityException {
    // README:tls-context
    KeyStore keys = KeyStore.getInstance(type); // "PKCS12" or "JKS"
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, password);
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, password);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    // README:end
    return tls;
  }
}
