package dev.signaling.benchmarks;

import java.lang.management.ManagementFactory;

/** CPU time of this JVM (the load generator). */
final class Cpu {

  private Cpu() {}

  static long selfNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }
}
