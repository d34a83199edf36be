package dev.s3proc.handlers.image;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;

/**
 * Structural similarity (Wang et al., 2004) of two images of the same size, on their luma, over 8x8
 * windows: 1.0 for identical images. The web rendition's quality is chosen to reach a target SSIM,
 * the way an eye sees compression, rather than a fixed quality number that is too much for one
 * photo and too little for another.
 *
 * <p>Luma is read from the rasters' samples, not through {@code getRGB} (a colour-model conversion
 * per pixel: it was 57% of a local worker's CPU under load), and the picture's own plane is made
 * once for every quality tried.
 */
final class Ssim {
  private static final double C1 = Math.pow(0.01 * 255, 2);
  private static final double C2 = Math.pow(0.03 * 255, 2);
  private static final int WINDOW = 8;

  private Ssim() {}

  /** An image's luma, row by row. */
  record Plane(float[] luma, int width, int height) {}

  static double of(BufferedImage a, BufferedImage b) {
    return of(plane(a), plane(b));
  }

  static double of(Plane a, Plane b) {
    int w = Math.min(a.width(), b.width());
    int h = Math.min(a.height(), b.height());
    // Every window of a small picture; on a large one, windows on a grid twice as coarse (a
    // quarter of them, spread evenly): the mean moves by far less than quality steps do.
    int stride = (long) w * h > 1_000_000 ? 2 * WINDOW : WINDOW;
    double sum = 0;
    int windows = 0;
    for (int y0 = 0; y0 + WINDOW <= h; y0 += stride) {
      for (int x0 = 0; x0 + WINDOW <= w; x0 += stride) {
        sum += window(a, b, x0, y0);
        windows++;
      }
    }
    return windows == 0 ? 1.0 : sum / windows;
  }

  /** SSIM of one 8x8 window. */
  private static double window(Plane a, Plane b, int x0, int y0) {
    int n = WINDOW * WINDOW;
    double ma = 0;
    double mb = 0;
    for (int y = 0; y < WINDOW; y++) {
      int ia = (y0 + y) * a.width() + x0;
      int ib = (y0 + y) * b.width() + x0;
      for (int x = 0; x < WINDOW; x++) {
        ma += a.luma()[ia + x];
        mb += b.luma()[ib + x];
      }
    }
    ma /= n;
    mb /= n;
    double va = 0;
    double vb = 0;
    double cov = 0;
    for (int y = 0; y < WINDOW; y++) {
      int ia = (y0 + y) * a.width() + x0;
      int ib = (y0 + y) * b.width() + x0;
      for (int x = 0; x < WINDOW; x++) {
        double da = a.luma()[ia + x] - ma;
        double db = b.luma()[ib + x] - mb;
        va += da * da;
        vb += db * db;
        cov += da * db;
      }
    }
    va /= n - 1;
    vb /= n - 1;
    cov /= n - 1;
    return ((2 * ma * mb + C1) * (2 * cov + C2)) / ((ma * ma + mb * mb + C1) * (va + vb + C2));
  }

  /** The image's luma: from its 8-bit sRGB samples directly, else through {@code getRGB}. */
  static Plane plane(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] luma = new float[w * h];
    Raster raster = image.getRaster();
    int bands = raster.getNumBands();
    if (eightBitRgb(image.getColorModel(), bands)) {
      int[] row = new int[w * bands];
      for (int y = 0; y < h; y++) {
        raster.getPixels(0, y, w, 1, row);
        for (int x = 0, i = 0; x < w; x++, i += bands) {
          luma[y * w + x] = luma(row[i], row[i + 1], row[i + 2]);
        }
      }
    } else {
      int[] row = new int[w];
      for (int y = 0; y < h; y++) {
        image.getRGB(0, y, w, 1, row, 0, w);
        for (int x = 0; x < w; x++) {
          int p = row[x];
          luma[y * w + x] = luma((p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff);
        }
      }
    }
    return new Plane(luma, w, h);
  }

  /** Red, green and blue (then perhaps alpha) 8-bit samples in sRGB, in that band order. */
  private static boolean eightBitRgb(ColorModel cm, int bands) {
    if (!(cm instanceof ComponentColorModel || cm instanceof DirectColorModel)
        || !cm.getColorSpace().isCS_sRGB()
        || (bands != 3 && bands != 4)) {
      return false;
    }
    for (int size : cm.getComponentSize()) {
      if (size != 8) {
        return false;
      }
    }
    return true;
  }

  private static float luma(int r, int g, int b) {
    return (float) (0.299 * r + 0.587 * g + 0.114 * b);
  }
}
