package dev.mcgt.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG charts of the report (JFreeChart, run headless). Each chart is written only when its data exists; the
 * returned names are the files written, which {@link Report} links.
 */
public final class Charts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 500;
    private static final Color BLUE = new Color(31, 119, 180);
    private static final Color RED = new Color(214, 39, 40);
    private static final Color GREEN = new Color(44, 160, 44);

    private Charts() { }

    /** Writes every chart that has data into {@code dir}; returns the file names written. */
    public static List<String> write(Report report, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        List<String> written = new ArrayList<>();
        save(tierLatency(report), dir, "tier-latency.png", written);
        save(mixSpeedup(report), dir, "mix-speedup.png", written);
        save(scalingSeqLen(report), dir, "scaling-seqlen.png", written);
        save(scalingWindow(report), dir, "scaling-window.png", written);
        return written;
    }

    /** The MACs-vs-quality chart: one frontier per tier-1 variant and skip rule, the targets as lines. */
    public static String qualityChart(QualityCurve q, Path dir) throws IOException {
        return qualityChart(q, dir, "mac-quality.png");
    }

    /** {@link #qualityChart(QualityCurve, Path)} under another file name. */
    public static String qualityChart(QualityCurve q, Path dir, String name) throws IOException {
        XYSeriesCollection col = new XYSeriesCollection();
        for (QualityCurve.Curve c : q.curves()) {
            XYSeries s = new XYSeries(c.name());
            for (double[] p : c.frontier()) s.add(100 * p[0], p[1]);
            if (!s.isEmpty()) col.addSeries(s);
        }
        if (col.getSeriesCount() == 0) return null;
        JFreeChart c = ChartFactory.createXYLineChart("Document cosine to ungated against MACs (" + q.corpus() + ")",
                "MACs, % of ungated", "document cosine to ungated, mean", col);
        XYPlot plot = c.getXYPlot();
        styleLines(plot, col.getSeriesCount());
        org.jfree.chart.plot.ValueMarker mac = new org.jfree.chart.plot.ValueMarker(100 * q.targetMacRatio());
        mac.setPaint(Color.GRAY);
        mac.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        mac.setLabel("MAC target " + Math.round(100 * q.targetMacRatio()) + " %");
        plot.addDomainMarker(mac);
        org.jfree.chart.plot.ValueMarker cos = new org.jfree.chart.plot.ValueMarker(q.targetCosine());
        cos.setPaint(Color.GRAY);
        cos.setStroke(mac.getStroke());
        cos.setLabel("cosine target " + q.targetCosine());
        plot.addRangeMarker(cos);
        NumberAxis y = (NumberAxis) plot.getRangeAxis();
        y.setAutoRangeIncludesZero(false);
        Files.createDirectories(dir);
        ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), c, WIDTH, HEIGHT);
        return name;
    }

    private static void save(JFreeChart chart, Path dir, String name, List<String> written) throws IOException {
        if (chart == null) return;
        ChartUtils.saveChartAsPNG(dir.resolve(name).toFile(), chart, WIDTH, HEIGHT);
        written.add(name);
    }

    static JFreeChart tierLatency(Report r) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        double min = Double.MAX_VALUE;
        for (String preset : Report.PRESETS) {
            for (int tier = 0; tier <= 3; tier++) {
                String cat = "tier " + tier;
                double ours = r.tier(preset, tier).mean();
                double claim = Claims.TIER_MEAN_US.get(preset)[tier];
                if (valid(ours)) {
                    ds.addValue(ours, preset + " (ours)", cat);
                    min = Math.min(min, ours);
                }
                if (valid(claim)) {
                    ds.addValue(claim, preset + " (claimed)", cat);
                    min = Math.min(min, claim);
                }
            }
        }
        if (ds.getRowCount() == 0 || r.tier("micro", 0).records().isEmpty() && r.tier("baseline", 0).records().isEmpty()) {
            return null;
        }
        JFreeChart c = ChartFactory.createBarChart("Mean latency per compute tier (one thread)", "tier",
                "mean latency, µs (log scale)", ds);
        logBars(c, min);
        return c;
    }

    static JFreeChart mixSpeedup(Report r) {
        DefaultCategoryDataset ds = new DefaultCategoryDataset();
        boolean ours = false;
        for (String mix : Report.MIX_NAMES) {
            for (String model : Report.MIX_MODELS) {
                double s = r.mix(model, "tier0").mean() / r.mix(model, mix).mean();
                if (valid(s)) {
                    ds.addValue(s, model + " (ours)", mix);
                    ours = true;
                }
            }
            ds.addValue(Claims.mix("other", mix).low(), "claimed (low end of range)", mix);
        }
        if (!ours) return null;
        JFreeChart c = ChartFactory.createBarChart("Speedup of workload mixes over all-tier-0", "mix",
                "speedup (×, log scale)", ds);
        logBars(c, 0.5);
        return c;
    }

    static JFreeChart scalingSeqLen(Report r) {
        XYSeries w16 = new XYSeries("window 16 (measured)");
        XYSeries full = new XYSeries("full attention (measured)");
        for (int n : Report.SEQ_LENS) {
            add(w16, n, r.scalingMean(n, "w16"));
            add(full, n, r.scalingMean(n, "full"));
        }
        if (w16.isEmpty() && full.isEmpty()) return null;
        XYSeriesCollection col = new XYSeriesCollection();
        col.addSeries(w16);
        col.addSeries(full);
        // references through the first measured point of each series
        if (!w16.isEmpty()) col.addSeries(reference("O(n·W) through first W=16 point", w16, 1));
        if (!full.isEmpty()) col.addSeries(reference("O(n²) through first full point", full, 2));
        JFreeChart c = ChartFactory.createXYLineChart("Tier-0 latency against sequence length n", "n (tokens)",
                "mean latency, µs", col);
        XYPlot plot = c.getXYPlot();
        LogAxis x = logAxis("n (tokens, log scale)");
        x.setBase(2);
        plot.setDomainAxis(x);
        plot.setRangeAxis(logAxis("mean latency, µs (log scale)"));
        styleLines(plot, 2);
        XYLineAndShapeRenderer lr = (XYLineAndShapeRenderer) plot.getRenderer();
        for (int i = 0; i < col.getSeriesCount(); i++) {
            String key = col.getSeriesKey(i).toString();
            Color base = key.contains("W=16") || key.startsWith("window") ? BLUE : RED;
            lr.setSeriesPaint(i, key.startsWith("O(") ? blend(base) : base);
        }
        return c;
    }

    static JFreeChart scalingWindow(Report r) {
        XYSeries s = new XYSeries("n = 1024 (measured)");
        for (int w : Report.WINDOWS) add(s, w, r.scalingMean(1024, "w" + w));
        if (s.isEmpty()) return null;
        XYSeriesCollection col = new XYSeriesCollection(s);
        double full = r.scalingMean(1024, "full");
        if (valid(full)) {
            XYSeries f = new XYSeries("full attention, n = 1024");
            f.add(Report.WINDOWS[0], full);
            f.add(Report.WINDOWS[Report.WINDOWS.length - 1], full);
            col.addSeries(f);
        }
        JFreeChart c = ChartFactory.createXYLineChart("Tier-0 latency against attention window (n = 1024)",
                "window W (keys)", "mean latency, µs", col);
        XYPlot plot = c.getXYPlot();
        LogAxis x = logAxis("window W (keys, log scale)");
        x.setBase(2);
        plot.setDomainAxis(x);
        styleLines(plot, 1);
        plot.getRenderer().setSeriesPaint(0, BLUE);
        plot.getRenderer().setSeriesPaint(1, RED);
        return c;
    }

    /** y = y0 · (n / n0)^power through the series' first point, over its x range. */
    private static XYSeries reference(String name, XYSeries from, int power) {
        XYSeries ref = new XYSeries(name);
        double x0 = from.getX(0).doubleValue();
        double y0 = from.getY(0).doubleValue();
        for (int i = 0; i < from.getItemCount(); i++) {
            double x = from.getX(i).doubleValue();
            ref.add(x, y0 * Math.pow(x / x0, power));
        }
        return ref;
    }

    private static void add(XYSeries s, double x, double y) {
        if (valid(y)) s.add(x, y);
    }

    private static boolean valid(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v) && v > 0;
    }

    private static void logBars(JFreeChart c, double min) {
        CategoryPlot plot = c.getCategoryPlot();
        LogAxis axis = logAxis(plot.getRangeAxis().getLabel());
        axis.setSmallestValue(min / 4);
        plot.setRangeAxis(axis);
        BarRenderer br = (BarRenderer) plot.getRenderer();
        // ours in a strong colour, the claim beside it in a light shade of the same colour
        for (int i = 0; i < plot.getDataset().getRowCount(); i++) {
            String key = plot.getDataset().getRowKey(i).toString();
            Color base = key.startsWith("micro") ? BLUE : key.startsWith("baseline") ? RED
                    : key.startsWith("minilm") ? GREEN : new Color(127, 127, 127);
            br.setSeriesPaint(i, key.contains("claimed") ? blend(base) : base);
        }
        br.setBarPainter(new StandardBarPainter());
        br.setShadowVisible(false);
        br.setBase(min / 4);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }

    /** A log axis whose ticks read as plain numbers (1, 10, 100, 1,000) rather than powers. */
    private static LogAxis logAxis(String label) {
        LogAxis a = new LogAxis(label);
        a.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        a.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
        return a;
    }

    private static Color blend(Color c) {
        return new Color((c.getRed() + 2 * 255) / 3, (c.getGreen() + 2 * 255) / 3, (c.getBlue() + 2 * 255) / 3);
    }

    /** Measured series (the first {@code measured}) solid with points, references dashed. */
    private static void styleLines(XYPlot plot, int measured) {
        XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer();
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            boolean m = i < measured;
            lr.setSeriesShapesVisible(i, m);
            lr.setSeriesStroke(i, m ? new BasicStroke(2f)
                    : new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        plot.setRenderer(lr);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }
}
