/**
 * Clusters under test: {@link dev.signaling.testkit.cluster.InMemoryCluster}, an in-memory fake
 * of the cluster SPI with failures the test controls, and {@link
 * dev.signaling.testkit.cluster.ClusterContract}, what every {@code Cluster} implementation must
 * do (the fake and {@code RedisCluster} both pass it).
 */
package dev.signaling.testkit.cluster;
