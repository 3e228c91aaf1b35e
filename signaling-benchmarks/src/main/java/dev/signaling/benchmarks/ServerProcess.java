package dev.signaling.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server under test in a JVM of its own ({@code Main server <kind>}), so that it does not
 * share a heap, JIT or GC with the load generator. It prints {@code READY <port>}, then answers
 * one line per command read from standard input:
 *
 * <ul>
 *   <li>{@code gc}: {@code HEAP <bytes>} used after full collections (the live heap);
 *   <li>{@code peak-reset}: {@code OK}; starts a new peak measurement;
 *   <li>{@code peak}: {@code PEAK <bytes> <bytes>}: the most heap in use seen since (sampled
 *       every 2 ms; garbage included), and the most heap still in use after a collection (the
 *       peak live heap, as far as collections saw it; 0 if none ran);
 *   <li>{@code stats}: {@code STATS <text>}, what the server counted (ours: closes by code);
 *   <li>{@code quit} (or end of input): stops the server and exits.
 * </ul>
 */
final class ServerProcess {

  private ServerProcess() {}

  static void run(String kindLabel) throws Exception {
    ServerKind kind = ServerKind.of(kindLabel);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    AtomicLong peak = new AtomicLong();
    Thread sampler = new Thread(() -> {
      while (true) {
        long used = memory.getHeapMemoryUsage().getUsed();
        peak.accumulateAndGet(used, Math::max);
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    AtomicLong peakAfterGc = new AtomicLong();
    Set<String> heapPools = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
          GarbageCollectionNotificationInfo info =
              GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long after = 0;
          for (Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
              after += pool.getValue().getUsed();
            }
          }
          peakAfterGc.accumulateAndGet(after, Math::max);
        }
      }, null, null);
    }

    try (ServerKind.Running server = kind.start()) {
      System.out.println("READY " + server.port());
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        switch (line.trim()) {
          case "gc" -> System.out.println("HEAP " + liveHeap(memory));
          case "peak-reset" -> {
            peak.set(memory.getHeapMemoryUsage().getUsed());
            peakAfterGc.set(0);
            System.out.println("OK");
          }
          case "peak" -> System.out.println("PEAK " + peak.get() + " " + peakAfterGc.get());
          case "stats" -> System.out.println("STATS " + server.stats());
          case "quit" -> {
            return;
          }
          default -> System.out.println("ERROR unknown command");
        }
        System.out.flush();
      }
    } finally {
      sampler.interrupt();
    }
  }

  /** Heap in use after full collections, once it stops shrinking. */
  static long liveHeap(MemoryMXBean memory) throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= best) {
        break;
      }
      best = used;
    }
    return best;
  }
}
