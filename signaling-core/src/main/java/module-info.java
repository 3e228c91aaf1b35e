/**
 * The signaling core: the message model, codec and relay/presence state machine behind a
 * transport SPI. Only the user API ({@code dev.signaling.core}), the transport SPI ({@code
 * dev.signaling.core.spi}) and the cluster SPI ({@code dev.signaling.core.cluster}) are exported;
 * {@code dev.signaling.core.internal} stays inside.
 */
module dev.signaling.core {
  requires com.google.gson;
  requires org.slf4j;

  exports dev.signaling.core;
  exports dev.signaling.core.spi;
  exports dev.signaling.core.cluster;
}
