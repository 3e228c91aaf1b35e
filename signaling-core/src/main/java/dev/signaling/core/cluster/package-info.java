/**
 * The cluster SPI: what lets several signaling servers act as one (one participant list, signals
 * routed to whichever server holds the target, a nodeId registered once cluster-wide).
 *
 * <p>A cluster module implements {@link dev.signaling.core.cluster.Cluster} (a totally ordered
 * log of state events plus a message bus between servers); the hub implements {@link
 * dev.signaling.core.cluster.ClusterMember} and does everything else itself: it keeps its own
 * replica of the membership by applying the log, decides duplicates deterministically from the
 * log's order, and fans messages out to its own connections. Events and messages are opaque
 * strings to the cluster module.
 *
 * <p>Wiring is explicit: {@code SignalingHub.create(config, listener, cluster)}, or the server
 * builder's {@code cluster(...)}. Without a cluster the hub runs in-process, needs no broker, and
 * applies state changes directly (the default). This package is a public contract.
 */
package dev.signaling.core.cluster;
