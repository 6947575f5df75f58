package dev.fluxllm.chaos;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Draws a soak run's samples as a PNG; runs on its own to re-plot a CSV. */
final class SoakPlot {

    private SoakPlot() {
    }

    /** Re-plots a soak CSV: {@code java -cp target/test-classes dev.fluxllm.chaos.SoakPlot target/soak/soak.csv out.png}. */
    public static void main(String[] args) throws IOException {
        List<SoakTest.Sample> samples = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0])).subList(1, Files.readAllLines(Path.of(args[0])).size())) {
            String[] f = line.split(",");
            samples.add(new SoakTest.Sample(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])));
        }
        plot(samples, Path.of(args[1]));
    }

    /** Four panels, one per series, each from zero to its maximum, so a flat line reads as flat. */
    static void plot(List<SoakTest.Sample> samples, Path png) throws IOException {
        int w = 1000;
        int panel = 150;
        int top = 40;
        int h = top + 4 * panel + 30;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        SoakTest.Sample end = samples.get(samples.size() - 1);
        g.drawString("Soak: " + end.seconds() + " s, " + end.calls() + " calls, " + end.failures()
                + " failed; one sample every 10 s", 20, 20);
        String[] names = {"heap after GC (MB)", "open file descriptors", "threads", "connections in use"};
        Color[] colors = {Color.BLUE, new Color(0, 140, 0), Color.RED, Color.DARK_GRAY};
        long last = Math.max(1, end.seconds());
        for (int series = 0; series < 4; series++) {
            double max = 1;
            double min = Double.MAX_VALUE;
            for (SoakTest.Sample s : samples) {
                max = Math.max(max, value(s, series));
                min = Math.min(min, value(s, series));
            }
            int base = top + (series + 1) * panel - 20;
            int height = panel - 40;
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(60, base, w - 40, base);
            g.drawLine(60, base - height, w - 40, base - height);
            g.setColor(Color.BLACK);
            g.drawString("0", 40, base + 4);
            g.drawString(String.valueOf((long) max), 20, base - height + 4);
            g.drawString(names[series] + ": min " + (long) min + ", max " + (long) max, 70, base - height - 6);
            g.setColor(colors[series]);
            g.setStroke(new BasicStroke(2));
            int px = -1;
            int py = -1;
            for (SoakTest.Sample s : samples) {
                int x = 60 + (int) ((w - 100) * s.seconds() / (double) last);
                int y = base - (int) (height * value(s, series) / max);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
        }
        g.setColor(Color.BLACK);
        g.drawString("0 s", 55, h - 10);
        g.drawString(last + " s", w - 80, h - 10);
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static double value(SoakTest.Sample s, int series) {
        return switch (series) {
            case 0 -> s.heapMb();
            case 1 -> s.fds();
            case 2 -> s.threads();
            default -> s.connections();
        };
    }
}
