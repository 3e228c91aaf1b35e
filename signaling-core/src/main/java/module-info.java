/**
 * The signaling core: the message model, codec and relay/presence state machine behind a
 * transport SPI. Only the user API ({@code dev.signaling.core}) and the transport SPI ({@code
 * dev.signaling.core.spi}) are exported; {@code dev.signaling.core.internal} stays inside.
 */
module dev.signaling.core {
  requires com.google.gson;
  requires org.slf4j;

  exports dev.signaling.core;
  exports dev.signaling.core.spi;
}
