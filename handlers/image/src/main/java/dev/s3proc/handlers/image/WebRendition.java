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
 * bytes it needs and a plain one does not. Pictures with transparency stay PNG.
 */
final class WebRendition {
  /** Searched on a copy this wide at most. */
  private static final int SEARCH_WIDTH = 1600;

  /** The qualities tried: the highest first, then a binary search over the others. */
  private static final List<Float> QUALITIES = List.of(0.55f, 0.65f, 0.75f, 0.82f, 0.88f, 0.94f);

  /**
   * @param ssim what the chosen quality keeps, as measured on the search copy
   */
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
    image = forJpeg(image);
    // The quality is searched on a copy at most SEARCH_WIDTH wide (0.6 of the pixels of a
    // 2048-wide rendition; a smaller copy measured less of what a quality keeps, and chose higher
    // ones), then the rendition is encoded once, at full size.
    BufferedImage probe =
        image.getWidth() > SEARCH_WIDTH
            ? forJpeg(Thumbnailer.scale(image, SEARCH_WIDTH, false))
            : image;
    // What the highest quality reaches bounds the goal: a photo full of fine noise never reaches
    // the target, and chasing it only buys bytes (the goal is then 0.01 under the best reachable).
    Ssim.Plane reference = Ssim.plane(probe);
    int top = QUALITIES.size() - 1;
    int bestAt = top;
    double bestSsim = ssimAt(probe, reference, QUALITIES.get(top));
    double goal = Math.min(targetSsim, bestSsim - 0.01);
    int lo = 0;
    int hi = top - 1;
    while (lo <= hi) { // the lowest quality that reaches the goal
      int mid = (lo + hi) / 2;
      double ssim = ssimAt(probe, reference, QUALITIES.get(mid));
      if (ssim >= goal) {
        bestAt = mid;
        bestSsim = ssim;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return new Web(
        jpeg(image, QUALITIES.get(bestAt)),
        "jpeg",
        image.getWidth(),
        image.getHeight(),
        QUALITIES.get(bestAt),
        bestSsim);
  }

  /**
   * The picture as 3-byte BGR, whose rows ImageIO's JPEG writer copies as they are; from the
   * int-packed RGB the scaler draws it converts every sample through the generic raster path, a
   * fifth of the image worker's CPU with five encodings a rendition (measured under load). The
   * samples are the same, and so are the JPEG's bytes.
   */
  private static BufferedImage forJpeg(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      return image;
    }
    BufferedImage bgr =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    java.awt.Graphics2D g = bgr.createGraphics();
    g.drawImage(image, 0, 0, null);
    g.dispose();
    return bgr;
  }

  /**
   * The SSIM a quality keeps, from a baseline encoding: progressive scans change only the order of
   * the same quantized coefficients, not the picture, and cost several times the time.
   */
  private static double ssimAt(BufferedImage image, Ssim.Plane reference, float quality)
      throws IOException {
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(jpeg(image, quality, false)));
    return Ssim.of(reference, Ssim.plane(decoded));
  }

  /** A progressive JPEG with no metadata. */
  static byte[] jpeg(BufferedImage image, float quality) throws IOException {
    return jpeg(image, quality, true);
  }

  static byte[] jpeg(BufferedImage image, float quality, boolean progressive) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      if (progressive) {
        p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      }
      writer.write(null, new IIOImage(image, null, null), p);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
