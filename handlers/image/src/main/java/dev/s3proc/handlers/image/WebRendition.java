package dev.s3proc.handlers.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * "Optimize for web": the picture at most {@code maxWidth} wide, upright and in sRGB (the decoder
 * saw to both, so no orientation tag or profile is needed), with no metadata at all (no EXIF, no
 * GPS position, no thumbnail), as a progressive JPEG whose quality is the lowest of a few that
 * keeps the SSIM against the picture at or above {@code targetSsim} — so a busy photo gets the
 * bytes it needs and a plain one does not (four encodes at most). Pictures with transparency stay
 * PNG.
 */
final class WebRendition {
  /** The qualities tried, from the one tried first; a binary search over them. */
  private static final List<Float> QUALITIES = List.of(0.55f, 0.65f, 0.75f, 0.82f, 0.88f, 0.94f);

  record Web(byte[] bytes, String format, int width, int height, Float quality, Double ssim) {}

  private final int maxWidth;
  private final double targetSsim;

  WebRendition(int maxWidth, double targetSsim) {
    this.maxWidth = maxWidth;
    this.targetSsim = targetSsim;
  }

  Web make(BufferedImage upright) throws IOException {
    boolean alpha = upright.getColorModel().hasAlpha();
    BufferedImage image = Thumbnailer.scale(upright, Math.min(maxWidth, upright.getWidth()), alpha);
    if (alpha) {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image, "png", png);
      return new Web(png.toByteArray(), "png", image.getWidth(), image.getHeight(), null, null);
    }
    // What the highest quality reaches bounds the goal: a photo full of fine noise never reaches
    // the target, and chasing it only buys bytes (the goal is then what 0.01 less than the best
    // achievable needs).
    int top = QUALITIES.size() - 1;
    byte[] best = jpeg(image, QUALITIES.get(top));
    double bestSsim = Ssim.of(image, ImageIO.read(new ByteArrayInputStream(best)));
    int bestAt = top;
    double goal = Math.min(targetSsim, bestSsim - 0.01);
    int lo = 0;
    int hi = top - 1;
    while (lo <= hi) { // the lowest quality that reaches the goal
      int mid = (lo + hi) / 2;
      byte[] jpeg = jpeg(image, QUALITIES.get(mid));
      double ssim = Ssim.of(image, ImageIO.read(new ByteArrayInputStream(jpeg)));
      if (ssim >= goal) {
        best = jpeg;
        bestAt = mid;
        bestSsim = ssim;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return new Web(
        best, "jpeg", image.getWidth(), image.getHeight(), QUALITIES.get(bestAt), bestSsim);
  }

  /** A progressive baseline-Huffman JPEG with no metadata. */
  static byte[] jpeg(BufferedImage image, float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(image, null, null), p);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
