package dev.signaling.core.internal;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.signaling.core.Participant;
import dev.signaling.core.spi.OutboundMessage;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding one broadcast for {@code nodes} recipients: our way (each node's {@code participants}
 * entry encoded once at register, the list built from them once per membership version, the
 * UTF-8 bytes shared by every recipient; a presence encoded once) versus a naive server that
 * builds a Gson object and serialises it for each recipient.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BroadcastBenchmark {

  @Param({"100"})
  public int nodes;

  private Participant[] participants;
  private String[] entries;
  private final Gson gson = new Gson();

  @Setup
  public void setUp() {
    participants = new Participant[nodes];
    entries = new String[nodes];
    for (int i = 0; i < nodes; i++) {
      participants[i] = new Participant(String.format("node-%05d", i), "user " + i, "pk" + i, null);
      entries[i] = Codec.participantEntry(participants[i]);
    }
  }

  /** Our participants broadcast: one list, one UTF-8 encoding, shared by all recipients. */
  @Benchmark
  public void participantsOurs(Blackhole bh) {
    OutboundMessage shared = Codec.participants(entries).message();
    for (int r = 0; r < nodes; r++) {
      bh.consume(shared);
    }
  }

  /** A naive participants broadcast: a Gson tree serialised and encoded for every recipient. */
  @Benchmark
  public void participantsNaive(Blackhole bh) {
    for (int r = 0; r < nodes; r++) {
      JsonObject message = new JsonObject();
      message.addProperty("type", "participants");
      JsonArray list = new JsonArray();
      for (Participant p : participants) {
        JsonObject entry = new JsonObject();
        entry.addProperty("nodeId", p.nodeId());
        entry.addProperty("username", p.username());
        list.add(entry);
      }
      message.add("participants", list);
      bh.consume(gson.toJson(message).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Our presence broadcast: encoded once, shared by all recipients. */
  @Benchmark
  public void presenceOurs(Blackhole bh) {
    OutboundMessage shared = Codec.presence("join", participants[0]).message();
    for (int r = 0; r < nodes; r++) {
      bh.consume(shared);
    }
  }

  /** A naive presence broadcast: a Gson object serialised and encoded for every recipient. */
  @Benchmark
  public void presenceNaive(Blackhole bh) {
    Participant p = participants[0];
    for (int r = 0; r < nodes; r++) {
      JsonObject message = new JsonObject();
      message.addProperty("type", "presence");
      message.addProperty("action", "join");
      message.addProperty("nodeId", p.nodeId());
      message.addProperty("username", p.username());
      message.addProperty("publicKey", p.publicKey());
      bh.consume(gson.toJson(message).getBytes(StandardCharsets.UTF_8));
    }
  }
}
