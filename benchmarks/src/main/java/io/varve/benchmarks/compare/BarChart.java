package io.varve.benchmarks.compare;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A grouped bar chart drawn with Java2D and written as PNG: one group per label, one bar per
 * series (Kafka, Varve), the value printed above each bar; a missing value (NaN) is marked "n/a".
 * No charting library: a few dozen lines of drawing are enough for two series.
 */
final class BarChart {

    private static final Color[] SERIES_COLORS = {new Color(0x4C72B0), new Color(0xDD8452)};
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 480;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 60;
    private static final int BOTTOM = 110;

    /** One group of bars. */
    record Group(String label, double[] values) {
    }

    private BarChart() {
    }

    static void write(Path file, String title, String unit, List<String> series, List<Group> groups) throws IOException {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, LEFT, 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            drawLegend(g, series);
            double max = groups.stream().flatMapToDouble(gr -> java.util.Arrays.stream(gr.values()))
                .filter(v -> !Double.isNaN(v)).max().orElse(1);
            max = max <= 0 ? 1 : max * 1.15;
            int plotHeight = HEIGHT - TOP - BOTTOM;
            int plotWidth = WIDTH - LEFT - RIGHT;
            drawAxis(g, unit, max, plotHeight);
            int groupWidth = plotWidth / Math.max(1, groups.size());
            int barWidth = Math.max(6, (groupWidth - 20) / Math.max(1, series.size()));
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < groups.size(); i++) {
                Group group = groups.get(i);
                int x0 = LEFT + i * groupWidth + 10;
                for (int s = 0; s < group.values().length; s++) {
                    double v = group.values()[s];
                    int x = x0 + s * barWidth;
                    g.setColor(SERIES_COLORS[s % SERIES_COLORS.length]);
                    String text;
                    int barTop = TOP + plotHeight;
                    if (Double.isNaN(v)) {
                        text = "n/a";
                    } else {
                        int h = (int) Math.round(v / max * plotHeight);
                        barTop = TOP + plotHeight - h;
                        g.fillRect(x, barTop, barWidth - 2, h);
                        text = format(v);
                    }
                    g.setColor(Color.DARK_GRAY);
                    g.drawString(text, x + (barWidth - 2 - fm.stringWidth(text)) / 2, barTop - 4);
                }
                drawLabel(g, group.label(), x0, groupWidth - 20, TOP + plotHeight + 16);
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static void drawLegend(Graphics2D g, List<String> series) {
        int x = WIDTH - RIGHT - 220;
        for (int s = 0; s < series.size(); s++) {
            g.setColor(SERIES_COLORS[s % SERIES_COLORS.length]);
            g.fillRect(x, 14 + s * 18, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(series.get(s), x + 18, 25 + s * 18);
        }
    }

    private static void drawAxis(Graphics2D g, String unit, double max, int plotHeight) {
        g.setColor(Color.LIGHT_GRAY);
        g.setStroke(new BasicStroke(1f));
        for (int t = 0; t <= 4; t++) {
            int y = TOP + plotHeight - t * plotHeight / 4;
            g.drawLine(LEFT, y, WIDTH - RIGHT, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(format(max * t / 4), 6, y + 4);
            g.setColor(Color.LIGHT_GRAY);
        }
        g.setColor(Color.BLACK);
        g.drawString(unit, 6, TOP - 8);
    }

    /** The label under a group, wrapped after spaces and hyphens over as many lines as it needs. */
    private static void drawLabel(Graphics2D g, String label, int x, int width, int y) {
        FontMetrics fm = g.getFontMetrics();
        StringBuilder line = new StringBuilder();
        int row = 0;
        for (String piece : label.split("(?<=[ -])")) {
            if (line.length() > 0 && fm.stringWidth(line + piece.strip()) > width) {
                g.drawString(line.toString().strip(), x, y + row++ * 14);
                line.setLength(0);
            }
            line.append(piece);
        }
        g.drawString(line.toString().strip(), x, y + row * 14);
    }

    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        if (v >= 1e6) {
            return String.format("%.2fM", v / 1e6);
        }
        if (v >= 1e4) {
            return String.format("%.0fk", v / 1e3);
        }
        if (v >= 100) {
            return String.format("%.0f", v);
        }
        return String.format("%.2f", v);
    }
}
