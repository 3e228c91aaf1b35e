/**
 * Runs several signaling servers as one cluster through a shared Redis: {@link
 * dev.signaling.cluster.redis.RedisCluster}, an implementation of the core's {@link
 * dev.signaling.core.cluster.Cluster} SPI on Lettuce. Wire it explicitly, on the server builder
 * or when creating the hub.
 */
package dev.signaling.cluster.redis;
