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
    // Every window of a small picture; on a large one, windows on a grid twice as coarse (a
    // quarter of them, spread evenly): the mean moves by far less than quality steps do.
    int stride = (long) w * h > 1_000_000 ? 2 * WINDOW : WINDOW;
    int[] rowA = new int[w * WINDOW];
    int[] rowB = new int[w * WINDOW];
    double sum = 0;
    int windows = 0;
    for (int y0 = 0; y0 + WINDOW <= h; y0 += stride) {
      a.getRGB(0, y0, w, WINDOW, rowA, 0, w);
      b.getRGB(0, y0, w, WINDOW, rowB, 0, w);
      for (int x0 = 0; x0 + WINDOW <= w; x0 += stride) {
        sum += window(rowA, rowB, w, x0);
        windows++;
      }
    }
    return windows == 0 ? 1.0 : sum / windows;
  }

  /** SSIM of one 8x8 window, on luma, from rows of packed RGB pixels. */
  private static double window(int[] a, int[] b, int w, int x0) {
    int n = WINDOW * WINDOW;
    double[] la = new double[n];
    double[] lb = new double[n];
    double ma = 0;
    double mb = 0;
    for (int y = 0; y < WINDOW; y++) {
      for (int x = 0; x < WINDOW; x++) {
        int k = y * WINDOW + x;
        la[k] = luma(a[y * w + x0 + x]);
        lb[k] = luma(b[y * w + x0 + x]);
        ma += la[k];
        mb += lb[k];
      }
    }
    ma /= n;
    mb /= n;
    double va = 0;
    double vb = 0;
    double cov = 0;
    for (int k = 0; k < n; k++) {
      double da = la[k] - ma;
      double db = lb[k] - mb;
      va += da * da;
      vb += db * db;
      cov += da * db;
    }
    va /= n - 1;
    vb /= n - 1;
    cov /= n - 1;
    return ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
  }

  private static double luma(int p) {
    return 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
  }
}
