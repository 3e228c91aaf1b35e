package dev.signaling.cluster.redis;

/**
 * The names of one cluster's keys and channels in Redis. They share one hash tag, so they live in
 * one slot and a script may touch them all.
 */
record Keys(String prefix) {

  String tag() {
    return "{" + prefix + "}";
  }

  /** The current epoch's id. */
  String epoch() {
    return tag() + ":epoch";
  }

  /** The leases: a sorted set of server ids by expiry time. */
  String servers() {
    return tag() + ":servers";
  }

  /** When a lease was last renewed by anyone (an outage of Redis itself renews them all). */
  String lastTick() {
    return tag() + ":tick";
  }

  String logPrefix() {
    return tag() + ":log:";
  }

  /** The log of one epoch: a stream. */
  String log(String epoch) {
    return logPrefix() + epoch;
  }

  /** The last sequence number taken from each server in one epoch. */
  String seqs(String epoch) {
    return tag() + ":seq:" + epoch;
  }

  String syncedPrefix() {
    return tag() + ":synced:";
  }

  /** The servers that re-published into one epoch (it may be compacted once all live ones did). */
  String synced(String epoch) {
    return syncedPrefix() + epoch;
  }

  /** One server's channel, for the signals of its nodes. */
  String channel(String server) {
    return tag() + ":to:" + server;
  }

  /** The channel every server receives: heartbeats. */
  String all() {
    return tag() + ":all";
  }
}
