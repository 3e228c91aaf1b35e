package dev.signaling.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ServerUrisTest {

  @Test
  void allInterfaces_areReachedOnLoopback() throws Exception {
    ServerUris uris = ServerUris.of(InetAddress.getByName("0.0.0.0"), 3001, false);
    assertThat(uris.webSocket()).isEqualTo(URI.create("ws://127.0.0.1:3001"));
    assertThat(uris.health()).isEqualTo(URI.create("http://127.0.0.1:3001/health"));
  }

  @Test
  void withTls_theSchemesAreSecure() throws Exception {
    ServerUris uris = ServerUris.of(InetAddress.getByName("10.0.0.5"), 3443, true);
    assertThat(uris.webSocket()).isEqualTo(URI.create("wss://10.0.0.5:3443"));
    assertThat(uris.health()).isEqualTo(URI.create("https://10.0.0.5:3443/health"));
  }

  @Test
  void anIpv6Address_isBracketed_withoutItsScopeId() throws Exception {
    ServerUris uris = ServerUris.of(InetAddress.getByName("fe80::1%1"), 3001, false);
    assertThat(uris.webSocket()).isEqualTo(URI.create("ws://[fe80:0:0:0:0:0:0:1]:3001"));
  }
}
