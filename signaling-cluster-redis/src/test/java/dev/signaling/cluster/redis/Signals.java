package dev.signaling.cluster.redis;

import java.util.concurrent.TimeUnit;

/** Sends a POSIX signal to a process, as an operator or the kernel would: STOP, CONT, KILL. */
final class Signals {

  private Signals() {}

  static void send(long pid, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + pid + " failed");
    }
  }
}
