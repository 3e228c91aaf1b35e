package dev.signaling.cluster.redis;

/**
 * The Lua scripts that make each cluster operation atomic in Redis. Keys are passed in {@code
 * KEYS} (except the log key of {@link #TICK} and {@link #LEAVE}, derived from the current epoch
 * inside the script); they all share one hash tag, so they live in one slot.
 */
final class Scripts {

  private Scripts() {}

  /**
   * Appends one event of one server to the log of the current epoch, at most once and in the
   * server's order: {@code seq} must follow the last one taken from that server in this epoch.
   *
   * <p>When the log is full, starts a new epoch instead (compaction: every server re-publishes
   * its nodes into the new log) — but only once every live server has re-published into the
   * current one (or joined during it), so that no server ever skips an epoch and misses what
   * happened in it.
   *
   * <p>KEYS: epoch, log, seqs, servers, synced. ARGV: epoch, server, seq, event, maxEntries,
   * newEpoch, oldLogTtlMs, isSync. Returns {@code {"ok"|"dup"|"gap"|"epoch", detail}}; {@code
   * "epoch"} carries the current epoch ({@code ""} when there is none yet).
   */
  static final String APPEND = """
      local current = redis.call('GET', KEYS[1])
      if current ~= ARGV[1] then
        return {'epoch', current or ''}
      end
      local seq = tonumber(ARGV[3])
      local last = redis.call('HGET', KEYS[3], ARGV[2])
      if last then
        last = tonumber(last)
        if seq <= last then return {'dup', tostring(last)} end
        if seq > last + 1 then return {'gap', tostring(last)} end
      end
      if ARGV[8] == '1' then
        redis.call('SADD', KEYS[5], ARGV[2])
      elseif redis.call('XLEN', KEYS[2]) >= tonumber(ARGV[5]) then
        local ready = true
        for _, s in ipairs(redis.call('ZRANGE', KEYS[4], 0, -1)) do
          if redis.call('SISMEMBER', KEYS[5], s) == 0 then ready = false end
        end
        if ready then
          redis.call('SET', KEYS[1], ARGV[6])
          redis.call('PEXPIRE', KEYS[2], ARGV[7])
          redis.call('PEXPIRE', KEYS[3], ARGV[7])
          redis.call('PEXPIRE', KEYS[5], ARGV[7])
          return {'epoch', ARGV[6]}
        end
      end
      redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
      redis.call('XADD', KEYS[2], '*', 's', ARGV[2], 'q', ARGV[3], 'e', ARGV[4])
      return {'ok', ''}
      """;

  /**
   * Renews this server's lease and declares gone, exactly once each, the servers whose lease
   * expired; creates the epoch if there is none (a fresh or restarted Redis). When nobody ticked
   * for a whole lease (Redis itself was paused or unreachable for everyone), every lease is
   * renewed instead, so that an outage of Redis is never mistaken for the death of every server.
   *
   * <p>KEYS: epoch, servers, lastTick. ARGV: server, newEpoch, leaseMs, logKeyPrefix,
   * syncedKeyPrefix, joining ({@code "1"} when the server joins: it reads the whole log, so it
   * counts as re-published in this epoch). Returns the current epoch.
   */
  static final String TICK = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local epoch = redis.call('GET', KEYS[1])
      if not epoch then
        epoch = ARGV[2]
        redis.call('SET', KEYS[1], epoch)
      end
      local lease = tonumber(ARGV[3])
      local last = tonumber(redis.call('GET', KEYS[3]) or '0')
      redis.call('SET', KEYS[3], now)
      if now - last > lease then
        for _, s in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
          redis.call('ZADD', KEYS[2], now + lease, s)
        end
      end
      redis.call('ZADD', KEYS[2], now + lease, ARGV[1])
      if ARGV[6] == '1' then
        redis.call('SADD', ARGV[5] .. epoch, ARGV[1])
      end
      for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
        redis.call('ZREM', KEYS[2], s)
        redis.call('XADD', ARGV[4] .. epoch, '*', 'gone', s)
      end
      return epoch
      """;

  /**
   * A server leaves: its lease is dropped and the log says it is gone, so the others remove its
   * nodes at once. KEYS: epoch, servers. ARGV: server, logKeyPrefix.
   */
  static final String LEAVE = """
      redis.call('ZREM', KEYS[2], ARGV[1])
      local epoch = redis.call('GET', KEYS[1])
      if epoch then
        redis.call('XADD', ARGV[2] .. epoch, '*', 'gone', ARGV[1])
      end
      return 1
      """;
}
