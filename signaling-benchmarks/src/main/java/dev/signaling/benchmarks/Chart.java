package dev.signaling.benchmarks;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Draws a {@link Report} as a PNG bar chart: one group of bars per charted figure and core count,
 * one bar per contender, its length how many times better than the ceiling it did (whichever way
 * the figure improves), on a log scale around 1 (the ceiling): bars to the right are better than
 * the ceiling, to the left worse.
 */
final class Chart {

  private static final int WIDTH = 1100;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
      new Color(0xd62728)};

  private Chart() {}

  /** Writes the chart of {@code report}'s charted rows to {@code file} (PNG); false if none has a value. */
  static boolean write(Report report, String subtitle, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    double min = 1;
    double max = 1;
    for (Report.Row row : report.rows) {
      if (!row.charted) {
        continue;
      }
      String category = row.figure + (row.cores == 0 ? "" : row.cores == 1 ? ", 1 core" : ", " + row.cores + " cores");
      for (ServerKind kind : report.contenders()) {
        double advantage = row.advantage(kind);
        if (Double.isFinite(advantage) && advantage > 0) {
          data.addValue(advantage, kind.title, category);
          min = Math.min(min, advantage);
          max = Math.max(max, advantage);
        }
      }
    }
    if (data.getColumnCount() == 0) {
      return false;
    }
    JFreeChart chart = chart(data, report.contenders(), min, max);
    chart.addSubtitle(new TextTitle(subtitle, new Font(Font.SANS_SERIF, Font.PLAIN, 12)));
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    int height = 140 + data.getColumnCount() * (12 + 16 * data.getRowCount());
    ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, height);
    return true;
  }

  private static JFreeChart chart(DefaultCategoryDataset data, List<ServerKind> contenders, double min, double max) {
    CategoryAxis figures = new CategoryAxis();
    figures.setCategoryMargin(0.25);
    figures.setMaximumCategoryLabelWidthRatio(0.45f);
    LogAxis ratio = new LogAxis("times better than the Java-WebSocket ceiling (1 = the ceiling; log scale)");
    ratio.setBase(2);
    ratio.setTickUnit(new NumberTickUnit(1));
    ratio.setNumberFormatOverride(new DecimalFormat("0.##x"));
    ratio.setRange(Math.min(0.5, min / 1.3), Math.max(2, max * 1.3));
    BarRenderer bars = new BarRenderer();
    bars.setBase(1); // bars grow from the ceiling, left when worse, right when better
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setItemMargin(0.05);
    bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")));
    bars.setDefaultItemLabelsVisible(true);
    bars.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
    for (int i = 0; i < contenders.size(); i++) {
      int series = data.getRowIndex(contenders.get(i).title);
      if (series >= 0) {
        bars.setSeriesPaint(series, COLORS[i % COLORS.length]); // a transport keeps its colour
      }
    }
    CategoryPlot plot = new CategoryPlot(data, figures, ratio, bars);
    plot.setOrientation(PlotOrientation.HORIZONTAL);
    plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    plot.addRangeMarker(new ValueMarker(1, Color.DARK_GRAY, new BasicStroke(1.5f)));
    JFreeChart chart = new JFreeChart("Our transports against the Java-WebSocket ceiling",
        new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    return chart;
  }
}
