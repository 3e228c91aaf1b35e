package dev.signaling.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * What {@code compare} found: one {@link Row} per figure and server pinning, each contender's
 * value next to the ceiling's with their ratio, the goals each met or missed, and notes. {@link
 * #print} writes it as a table; {@link Chart} draws the rows marked for the chart.
 */
final class Report {

  /** Which way a figure improves. */
  enum Better { HIGHER, LOWER }

  static final DoubleFunction<String> INTEGER = v -> String.format(Locale.ROOT, "%,.0f", v);
  static final DoubleFunction<String> TWO_DECIMALS = v -> String.format(Locale.ROOT, "%.2f", v);

  /** One figure at one pinning. */
  static final class Row {
    final String figure;
    /** CPUs the server had; 0 when not pinned. */
    final int cores;
    final Better better;
    final boolean charted;
    private final DoubleFunction<String> format;
    /** NaN when the figure has no ceiling. */
    final double ceiling;
    final Map<ServerKind, Double> values = new LinkedHashMap<>();
    final List<String> goals = new ArrayList<>();

    Row(String figure, int cores, Better better, boolean charted, DoubleFunction<String> format, double ceiling) {
      this.figure = figure;
      this.cores = cores;
      this.better = better;
      this.charted = charted;
      this.format = format;
      this.ceiling = ceiling;
    }

    Row value(ServerKind kind, double value) {
      values.put(kind, value);
      return this;
    }

    double value(ServerKind kind) {
      return values.getOrDefault(kind, Double.NaN);
    }

    /** The contender's value over the ceiling's; NaN without either. */
    double ratio(ServerKind kind) {
      return value(kind) / ceiling;
    }

    /** How many times better than the ceiling (above 1: better), whichever way the figure improves. */
    double advantage(ServerKind kind) {
      double ratio = ratio(kind);
      return better == Better.HIGHER ? ratio : 1 / ratio;
    }

    /** Records whether {@code kind} met a goal, e.g. {@code ">= 0.90x ceiling"}. */
    Row goal(ServerKind kind, String goal, boolean met) {
      goals.add(kind.label + " " + goal + ": " + (met ? "yes" : "NO"));
      return this;
    }

    String format(double value) {
      if (Double.isNaN(value)) {
        return "-";
      }
      return Double.isInfinite(value) ? "failed" : format.apply(value);
    }

    String cores() {
      return cores == 0 ? "-" : Integer.toString(cores);
    }
  }

  private final List<ServerKind> contenders;
  final List<Row> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();

  Report(List<ServerKind> contenders) {
    this.contenders = List.copyOf(contenders);
  }

  List<ServerKind> contenders() {
    return contenders;
  }

  Row row(String figure, Pinning pinning, Better better, boolean charted, DoubleFunction<String> format, double ceiling) {
    Row row = new Row(figure, pinning.cores(), better, charted, format, ceiling);
    rows.add(row);
    return row;
  }

  void note(String format, Object... args) {
    notes.add(String.format(Locale.ROOT, format, args));
  }

  /** The same figure measured at another pinning, if any. */
  Row find(String figure, int cores) {
    return rows.stream().filter(r -> r.figure.equals(figure) && r.cores == cores).findFirst().orElse(null);
  }

  /**
   * How a charted figure scales from the fewest to the most cores measured, per server (above 1:
   * better with more cores): one line per figure.
   */
  List<String> scaling() {
    List<String> lines = new ArrayList<>();
    int fewest = rows.stream().mapToInt(r -> r.cores).filter(c -> c > 0).min().orElse(0);
    int most = rows.stream().mapToInt(r -> r.cores).max().orElse(0);
    if (fewest == most) {
      return lines;
    }
    for (Row wide : rows) {
      Row narrow = wide.cores == most && wide.charted ? find(wide.figure, fewest) : null;
      if (narrow == null) {
        continue;
      }
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s, %d cores / %d:", wide.figure, most, fewest));
      line.append(String.format(Locale.ROOT, " ceiling %.2fx", scale(wide.better, narrow.ceiling, wide.ceiling)));
      for (ServerKind kind : contenders) {
        line.append(String.format(Locale.ROOT, ", %s %.2fx", kind.label,
            scale(wide.better, narrow.value(kind), wide.value(kind))));
      }
      lines.add(line.toString());
    }
    return lines;
  }

  /** {@code wide} over {@code narrow}, the right way up for the figure (above 1: more cores helped). */
  static double scale(Better better, double narrow, double wide) {
    return better == Better.HIGHER ? wide / narrow : narrow / wide;
  }

  void print(PrintStream out) {
    StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-46s %5s %12s", "figure", "cores", "ceiling"));
    for (ServerKind kind : contenders) {
      header.append(String.format(Locale.ROOT, " %14s %6s", kind.label, "ratio"));
    }
    header.append("  goals");
    out.println();
    out.println(header);
    out.println("-".repeat(header.length() + 30));
    for (Row row : rows) {
      StringBuilder line = new StringBuilder(
          String.format(Locale.ROOT, "%-46s %5s %12s", row.figure, row.cores(), row.format(row.ceiling)));
      for (ServerKind kind : contenders) {
        double ratio = row.ratio(kind);
        line.append(String.format(Locale.ROOT, " %14s %6s", row.format(row.value(kind)),
            Double.isNaN(ratio) || Double.isInfinite(ratio) ? "-" : String.format(Locale.ROOT, "%.2f", ratio)));
      }
      line.append("  ").append(String.join("; ", row.goals));
      out.println(line.toString().stripTrailing());
    }
    List<String> scaling = scaling();
    if (!scaling.isEmpty()) {
      out.println();
      out.println("Scaling with the server's cores (above 1: faster with more):");
      scaling.forEach(line -> out.println("* " + line));
    }
    out.println();
    notes.forEach(note -> out.println("* " + note));
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** {@code a[i] / b[i]} for each round, as {@code 1.23, 0.98}. */
  static String ratios(double[] a, double[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < a.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.2f", a[i] / b[i]));
    }
    return sb.toString();
  }
}
