package dev.s3proc.handlers.image;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Thumbnails of an upright sRGB picture ({@link ImageDecoder}): decoded with subsampling straight
 * to about twice the largest width wanted, then scaled down in halving steps with bilinear
 * filtering, which looks as good as a single bicubic pass at a fraction of the cost.
 */
public final class Thumbnailer {
  private final List<Integer> widths;
  private final ImageDecoder decoder;
  private final float jpegQuality;

  public Thumbnailer(List<Integer> widths, long maxPixels, float jpegQuality) {
    this.widths = widths.stream().sorted().toList();
    this.decoder = new ImageDecoder(maxPixels);
    this.jpegQuality = jpegQuality;
  }

  /**
   * The thumbnails made, by width, and what was learnt of the image: its upright dimensions, its
   * EXIF fields, and notes such as a colour profile that had to be ignored.
   */
  public record Thumbnails(
      Map<Integer, byte[]> images,
      String format,
      int width,
      int height,
      Map<String, String> exif,
      List<String> notes) {}

  /**
   * Decodes and scales in one go.
   *
   * @param extension the key's extension, lower case (what the uploader says the file is)
   */
  public Thumbnails make(InputStream source, String extension)
      throws IOException, PermanentFailure {
    return thumbnails(decode(source, extension));
  }

  /** The upright sRGB picture, decoded just large enough for the largest thumbnail. */
  ImageDecoder.Decoded decode(InputStream source, String extension)
      throws IOException, PermanentFailure {
    return decoder.decode(source, extension, widths.get(widths.size() - 1));
  }

  Thumbnails thumbnails(ImageDecoder.Decoded d) throws IOException {
    boolean png = d.format().equals("png");
    Map<Integer, byte[]> out = new LinkedHashMap<>();
    for (int w : widths) {
      BufferedImage scaled = scale(d.image(), Math.min(w, d.image().getWidth()), png);
      out.put(w, png ? png(scaled) : jpeg(scaled));
    }
    return new Thumbnails(out, d.format(), d.width(), d.height(), d.exif(), d.notes());
  }

  static BufferedImage scale(BufferedImage src, int targetWidth, boolean keepAlpha) {
    int targetHeight =
        Math.max(1, (int) Math.round((double) src.getHeight() * targetWidth / src.getWidth()));
    int type =
        keepAlpha && src.getColorModel().hasAlpha()
            ? BufferedImage.TYPE_INT_ARGB
            : BufferedImage.TYPE_INT_RGB;
    if (src.getWidth() == targetWidth && src.getHeight() == targetHeight && src.getType() == type) {
      return src; // already the size wanted: drawing it again would only round its colours
    }
    BufferedImage current = src;
    int w = src.getWidth();
    int h = src.getHeight();
    do {
      w = Math.max(targetWidth, w / 2);
      h = Math.max(targetHeight, h / 2);
      BufferedImage next = new BufferedImage(w, h, type);
      Graphics2D g = next.createGraphics();
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(current, 0, 0, w, h, null);
      g.dispose();
      current = next;
    } while (w != targetWidth || h != targetHeight);
    return current;
  }

  private byte[] jpeg(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(jpegQuality);
      writer.write(null, new IIOImage(image, null, null), p);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static byte[] png(BufferedImage image) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, "png", bytes);
    return bytes.toByteArray();
  }
}
