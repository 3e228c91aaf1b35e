package dev.signaling.core.internal;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The inbound hot path: read {@code type}/{@code from}/{@code to} of a signal (300-byte SDP-like
 * payload) and validate it as JSON, with our {@link Codec} (streaming, payload skipped) versus
 * building a Gson tree. Lives in the codec's package to reach it; run with {@code -prof gc} for
 * the allocation per message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InboundBenchmark {

  /** A typical forwarded offer: the relay workload's message. */
  public static final String SIGNAL = "{\"type\":\"signal\",\"from\":\"n00\",\"to\":\"n08\",\"payload\":"
      + "{\"t\":\"0000000000000000\",\"sdp\":\"v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\n"
      + "s=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0\\r\\na=extmap-allow-mixed\\r\\na=msid-semantic: WMS\\r\\n"
      + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\nc=IN IP4 0.0.0.0\\r\\na=ice-ufrag:Vx3d\\r\\n"
      + "a=ice-pwd:3dQwS5aE0n5Lk3WJx8b3Ldq1\\r\\na=ice-options:trickle\\r\\na=\"}}";

  /** What the relay needs from a message. */
  public record Fields(String type, String from, String to) {}

  @Benchmark
  public Fields codec() throws Codec.InvalidMessage {
    Inbound in = Codec.decode(SIGNAL);
    return new Fields(in.type, Inbound.nonEmptyString(in.from), Inbound.nonEmptyString(in.to));
  }

  @Benchmark
  public Fields gsonTree() {
    JsonElement tree = JsonParser.parseString(SIGNAL);
    if (!tree.isJsonObject()) {
      return null;
    }
    JsonObject o = tree.getAsJsonObject();
    return new Fields(string(o, "type"), string(o, "from"), string(o, "to"));
  }

  private static String string(JsonObject o, String name) {
    JsonElement e = o.get(name);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
  }
}
