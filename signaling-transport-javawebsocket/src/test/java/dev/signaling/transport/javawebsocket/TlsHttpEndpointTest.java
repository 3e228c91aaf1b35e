package dev.signaling.transport.javawebsocket;

/** Every test of {@link HttpEndpointTest} again, over TLS with a certificate made at test time. */
class TlsHttpEndpointTest extends HttpEndpointTest {

  @Override
  Wire wire() {
    return Wire.TLS;
  }
}
