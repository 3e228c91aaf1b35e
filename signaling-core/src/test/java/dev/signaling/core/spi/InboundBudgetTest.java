package dev.signaling.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundBudgetTest {

  private final List<String> shed = new ArrayList<>();

  private InboundBudget.Account open(InboundBudget budget, String name) {
    return budget.open(() -> shed.add(name));
  }

  @Test
  void withinTheBudgetNothingIsShed() {
    InboundBudget budget = new InboundBudget(1_000);
    InboundBudget.Account a = open(budget, "a");
    InboundBudget.Account b = open(budget, "b");
    assertThat(a.reserve(600)).isTrue();
    assertThat(b.reserve(400)).isTrue();
    assertThat(budget.held()).isEqualTo(1_000);
    a.release(100);
    a.release(10_000); // never below zero
    assertThat(a.held()).isZero();
    assertThat(budget.held()).isEqualTo(400);
    assertThat(shed).isEmpty();
  }

  @Test
  void afterItsConnectionClosed_anAccountCountsNothing_andIsNeverShed() {
    InboundBudget budget = new InboundBudget(1_000);
    InboundBudget.Account closed = open(budget, "closed");
    closed.reserve(300);
    closed.close();
    // A reader still finishing a frame of the closed connection: no 1009 over the real close,
    // and nothing left in the total for ever after.
    assertThat(closed.reserve(5_000)).isTrue();
    assertThat(budget.held()).isZero();
    assertThat(shed).isEmpty();
  }

  @Test
  void overTheBudgetTheLargestHolderIsShed_notTheSmallOneThatAsked() {
    InboundBudget budget = new InboundBudget(1_000);
    InboundBudget.Account big = open(budget, "big");
    InboundBudget.Account small = open(budget, "small");
    assertThat(big.reserve(900)).isTrue();
    assertThat(small.reserve(200)).as("the small one keeps going").isTrue();
    assertThat(shed).containsExactly("big");
    assertThat(big.isShed()).isTrue();
    assertThat(big.reserve(1)).as("a shed account takes nothing more").isFalse();
    assertThat(budget.held()).isEqualTo(200);
  }

  @Test
  void theAskerIsShedWhenItHoldsTheMost() {
    InboundBudget budget = new InboundBudget(1_000);
    InboundBudget.Account other = open(budget, "other");
    InboundBudget.Account greedy = open(budget, "greedy");
    other.reserve(100);
    greedy.reserve(500);
    assertThat(greedy.reserve(500)).isFalse();
    assertThat(shed).containsExactly("greedy");
    assertThat(budget.held()).isEqualTo(100);
  }

  @Test
  void underConcurrentReservationsTheTotalStaysExactAndWithinTheBudget() throws Exception {
    InboundBudget budget = new InboundBudget(10_000);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<InboundBudget.Account>> accounts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int share = 100 * (t + 1);
        accounts.add(pool.submit(() -> {
          InboundBudget.Account account = budget.open(() -> { });
          for (int i = 0; i < 10_000 && account.reserve(share); i++) {
            account.release(share / 2);
          }
          return account;
        }));
      }
      long sum = 0;
      for (java.util.concurrent.Future<InboundBudget.Account> f : accounts) {
        sum += f.get().held();
      }
      assertThat(budget.held()).isEqualTo(sum).isLessThanOrEqualTo(10_000);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closingReleasesEverything_andAClosedAccountIsNeverShed() {
    InboundBudget budget = new InboundBudget(100);
    InboundBudget.Account gone = open(budget, "gone");
    gone.reserve(90);
    gone.close();
    assertThat(budget.held()).isZero();
    InboundBudget.Account next = open(budget, "next");
    assertThat(next.reserve(100)).isTrue();
    assertThat(shed).isEmpty();
  }
}
