package dev.s3proc.handlers.image;

import java.awt.image.BufferedImage;

/**
 * Structural similarity (Wang et al., 2004) of two images of the same size, on their luma, over 8x8
 * windows: 1.0 for identical images. The web rendition's quality is chosen to reach a target SSIM,
 * the way an eye sees compression, rather than a fixed quality number that is too much for one
 * photo and too little for another.
 */
final class Ssim {
  private static final double C1 = Math.pow(0.01 * 255, 2);
  private static final double C2 = Math.pow(0.03 * 255, 2);
  private static final int WINDOW = 8;

  private Ssim() {}

  static double of(BufferedImage a, BufferedImage b) {
    int w = Math.min(a.getWidth(), b.getWidth());
    int h = Math.min(a.getHeight(), b.getHeight());
    double[] la = luma(a, w, h);
    double[] lb = luma(b, w, h);
    double sum = 0;
    int windows = 0;
    for (int y0 = 0; y0 + WINDOW <= h; y0 += WINDOW) {
      for (int x0 = 0; x0 + WINDOW <= w; x0 += WINDOW) {
        double ma = 0;
        double mb = 0;
        for (int y = y0; y < y0 + WINDOW; y++) {
          for (int x = x0; x < x0 + WINDOW; x++) {
            ma += la[y * w + x];
            mb += lb[y * w + x];
          }
        }
        int n = WINDOW * WINDOW;
        ma /= n;
        mb /= n;
        double va = 0;
        double vb = 0;
        double cov = 0;
        for (int y = y0; y < y0 + WINDOW; y++) {
          for (int x = x0; x < x0 + WINDOW; x++) {
            double da = la[y * w + x] - ma;
            double db = lb[y * w + x] - mb;
            va += da * da;
            vb += db * db;
            cov += da * db;
          }
        }
        va /= n - 1;
        vb /= n - 1;
        cov /= n - 1;
        sum += ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
        windows++;
      }
    }
    return windows == 0 ? 1.0 : sum / windows;
  }

  private static double[] luma(BufferedImage img, int w, int h) {
    double[] out = new double[w * h];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      img.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int p = row[x];
        out[y * w + x] =
            0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
      }
    }
    return out;
  }
}
