/**
 * Micrometer metrics for the signaling server: {@link dev.signaling.micrometer.SignalingMeterBinder}
 * binds a hub's counters and gauges to any {@code MeterRegistry} (Prometheus, OTLP, Datadog, ...).
 */
package dev.signaling.micrometer;
