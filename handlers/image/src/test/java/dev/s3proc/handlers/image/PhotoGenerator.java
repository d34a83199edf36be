package dev.s3proc.handlers.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Random;
import javax.imageio.ImageIO;

/** Writes photo-like 12 MP JPEGs (shapes, gradients and sensor-like noise) for the benchmarks. */
public final class PhotoGenerator {
  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[1]);
    for (int n = 0; n < count; n++) {
      Random rnd = new Random(42 + n);
      BufferedImage img = new BufferedImage(4000, 3000, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(
          new java.awt.GradientPaint(
              0,
              0,
              new Color(rnd.nextInt(0xffffff)),
              4000,
              3000,
              new Color(rnd.nextInt(0xffffff))));
      g.fillRect(0, 0, 4000, 3000);
      for (int i = 0; i < 400; i++) {
        g.setColor(
            new Color(rnd.nextInt(256), rnd.nextInt(256), rnd.nextInt(256), 60 + rnd.nextInt(150)));
        int w = 20 + rnd.nextInt(600);
        int h = 20 + rnd.nextInt(600);
        if (rnd.nextBoolean()) {
          g.fillOval(rnd.nextInt(4000), rnd.nextInt(3000), w, h);
        } else {
          g.fillRect(rnd.nextInt(4000), rnd.nextInt(3000), w, h);
        }
      }
      g.dispose();
      int[] row = new int[4000];
      for (int y = 0; y < 3000; y++) {
        img.getRGB(0, y, 4000, 1, row, 0, 4000);
        for (int x = 0; x < 4000; x++) {
          int noise = (int) (rnd.nextGaussian() * 6);
          int p = row[x];
          int r = clamp(((p >> 16) & 255) + noise);
          int gr = clamp(((p >> 8) & 255) + noise);
          int b = clamp((p & 255) + noise);
          row[x] = (r << 16) | (gr << 8) | b;
        }
        img.setRGB(0, y, 4000, 1, row, 0, 4000);
      }
      ImageIO.write(img, "jpg", new File(args[0], "photo-" + n + ".jpg"));
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
