package dev.signaling.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ConnectionSlotsTest {

  private static final InetAddress A = address(1);
  private static final InetAddress B = address(2);

  private static InetAddress address(int last) {
    try {
      return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void perAddressCapAnswers429_othersStillGetIn() {
    ConnectionSlots slots = new ConnectionSlots(10, 2);
    assertThat(slots.tryAcquire(A)).isInstanceOf(ConnectionSlots.Slot.class);
    ConnectionSlots.Admission second = slots.tryAcquire(A);
    assertThat(second).isInstanceOf(ConnectionSlots.Slot.class);
    assertThat(slots.tryAcquire(A)).isEqualTo(ConnectionSlots.TOO_MANY_FROM_ADDRESS);
    assertThat(ConnectionSlots.TOO_MANY_FROM_ADDRESS.status()).isEqualTo(429);
    assertThat(slots.tryAcquire(B)).as("another address").isInstanceOf(ConnectionSlots.Slot.class);
    assertThat(slots.held()).isEqualTo(3);

    ((ConnectionSlots.Slot) second).close();
    ((ConnectionSlots.Slot) second).close(); // idempotent
    assertThat(slots.heldBy(A)).isEqualTo(1);
    assertThat(slots.tryAcquire(A)).as("a freed slot is free again").isInstanceOf(ConnectionSlots.Slot.class);
  }

  @Test
  void totalCapAnswers503_andTheAddressKeepsNothing() {
    ConnectionSlots slots = new ConnectionSlots(2, 5);
    slots.tryAcquire(A);
    slots.tryAcquire(B);
    assertThat(slots.tryAcquire(A)).isEqualTo(ConnectionSlots.TOO_MANY_CONNECTIONS);
    assertThat(ConnectionSlots.TOO_MANY_CONNECTIONS.status()).isEqualTo(503);
    assertThat(slots.heldBy(A)).isEqualTo(1);
    assertThat(slots.held()).isEqualTo(2);
  }

  @Test
  void zeroMeansNoPerAddressCap_andNoAddressCountsOnlyInTheTotal() {
    ConnectionSlots slots = new ConnectionSlots(100, 0);
    for (int i = 0; i < 100; i++) {
      assertThat(slots.tryAcquire(A)).isInstanceOf(ConnectionSlots.Slot.class);
    }
    assertThat(slots.heldBy(A)).as("no per-address bookkeeping without a cap").isZero();
    ConnectionSlots capped = new ConnectionSlots(3, 1);
    assertThat(capped.tryAcquire(null)).isInstanceOf(ConnectionSlots.Slot.class);
    assertThat(capped.tryAcquire(null)).isInstanceOf(ConnectionSlots.Slot.class);
  }

  @Test
  void afterCloseEveryUpgradeIsRefusedAsShuttingDown() {
    ConnectionSlots slots = new ConnectionSlots(10, 10);
    ConnectionSlots.Slot held = (ConnectionSlots.Slot) slots.tryAcquire(A);
    slots.close();
    assertThat(slots.tryAcquire(B)).isEqualTo(ConnectionSlots.SHUTTING_DOWN);
    held.close();
    assertThat(slots.held()).isZero();
  }

  @Test
  void concurrentAcquiresNeverPassTheCaps() throws Exception {
    ConnectionSlots slots = new ConnectionSlots(1_000, 50);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> granted = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        granted.add(pool.submit(() -> {
          int n = 0;
          for (int i = 0; i < 100; i++) {
            if (slots.tryAcquire(A) instanceof ConnectionSlots.Slot) {
              n++;
            }
          }
          return n;
        }));
      }
      int sum = 0;
      for (Future<Integer> f : granted) {
        sum += f.get();
      }
      assertThat(sum).isEqualTo(50);
      assertThat(slots.held()).isEqualTo(50);
      assertThat(slots.heldBy(A)).isEqualTo(50);
    } finally {
      pool.shutdownNow();
    }
  }
}
