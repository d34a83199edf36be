package dev.s3proc.handlers.image;

import java.awt.image.BufferedImage;

/**
 * EXIF orientation: how the camera's sensor rows map to the upright picture. Values 2 to 8 flip
 * and/or rotate; 5 to 8 also swap width and height. Applied to the decoded pixels, so that every
 * output is upright and needs no orientation tag.
 */
final class Orientation {
  private Orientation() {}

  /** The orientation an EXIF value stands for: 1 (as stored) for anything absent or invalid. */
  static int of(String exifValue) {
    try {
      int o = exifValue == null ? 1 : Integer.parseInt(exifValue.trim());
      return o >= 1 && o <= 8 ? o : 1;
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** Whether the upright picture's width is the stored height. */
  static boolean swapsAxes(int orientation) {
    return orientation >= 5;
  }

  /** The upright picture. */
  static BufferedImage apply(BufferedImage src, int orientation) {
    if (orientation == 1) {
      return src;
    }
    int w = src.getWidth();
    int h = src.getHeight();
    boolean swap = swapsAxes(orientation);
    BufferedImage out = new BufferedImage(swap ? h : w, swap ? w : h, src.getType());
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int tx;
        int ty;
        switch (orientation) {
          case 2 -> {
            tx = w - 1 - x;
            ty = y;
          }
          case 3 -> {
            tx = w - 1 - x;
            ty = h - 1 - y;
          }
          case 4 -> {
            tx = x;
            ty = h - 1 - y;
          }
          case 5 -> {
            tx = y;
            ty = x;
          }
          case 6 -> {
            tx = h - 1 - y;
            ty = x;
          }
          case 7 -> {
            tx = h - 1 - y;
            ty = w - 1 - x;
          }
          default -> { // 8
            tx = y;
            ty = w - 1 - x;
          }
        }
        out.setRGB(tx, ty, src.getRGB(x, y));
      }
    }
    return out;
  }
}
