package dev.signaling.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

/** The JMH benchmarks compare like with like: both sides compute the same thing. */
class MicroBenchmarksTest {

  @Test
  void inbound_codecAndGsonTreeReadTheSameFields() throws Exception {
    InboundBenchmark b = new InboundBenchmark();
    assertThat(b.codec()).isEqualTo(new InboundBenchmark.Fields("signal", "n00", "n08"));
    assertThat(b.gsonTree()).isEqualTo(b.codec());
  }

  @Test
  void broadcast_ourParticipantsListIsWhatTheNaiveWayWrites() {
    BroadcastBenchmark b = new BroadcastBenchmark();
    b.nodes = 3;
    b.setUp();
    JsonObject naive = new JsonObject();
    naive.addProperty("type", "participants");
    JsonArray list = new JsonArray();
    for (int i = 0; i < 3; i++) {
      JsonObject entry = new JsonObject();
      entry.addProperty("nodeId", String.format("node-%05d", i));
      entry.addProperty("username", "user " + i);
      list.add(entry);
    }
    naive.add("participants", list);
    String[] entries = new String[3];
    for (int i = 0; i < 3; i++) {
      entries[i] = Codec.participantEntry(new dev.signaling.core.Participant(
          String.format("node-%05d", i), "user " + i, "pk" + i, null));
    }
    assertThat(Codec.participants(entries).text()).isEqualTo(new Gson().toJson(naive));
  }
}
