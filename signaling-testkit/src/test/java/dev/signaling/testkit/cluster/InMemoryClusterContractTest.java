package dev.signaling.testkit.cluster;

import dev.signaling.core.cluster.Cluster;

/** The cluster SPI's contract, kept by the in-memory fake. */
class InMemoryClusterContractTest extends ClusterContract {

  private final InMemoryCluster network = new InMemoryCluster();

  @Override
  protected Cluster newServer() {
    return network.newServer();
  }

  @Override
  protected void halt(Cluster server) {
    network.halt(server.serverId());
  }

  @Override
  protected void expire(Cluster halted) {
    network.declareGone(halted.serverId());
  }

  @Override
  protected void loseLog() {
    network.resetLog();
  }
}
