package dev.s3proc.handlers.image;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Thumbnails with ImageIO alone: the dimensions are read from the header before anything is decoded
 * (a decompression bomb is refused without allocating its pixels), the image is decoded with
 * subsampling straight to about twice the largest width wanted, then scaled down in halving steps
 * with bilinear filtering, which looks as good as a single bicubic pass at a fraction of the cost.
 */
public final class Thumbnailer {
  static {
    ImageIO.setUseCache(false); // no temp files: Lambda's /tmp is small and slow
  }

  private final List<Integer> widths;
  private final long maxPixels;
  private final float jpegQuality;

  public Thumbnailer(List<Integer> widths, long maxPixels, float jpegQuality) {
    this.widths = widths.stream().sorted().toList();
    this.maxPixels = maxPixels;
    this.jpegQuality = jpegQuality;
  }

  /** The thumbnails made, by width, and what was learnt of the image. */
  public record Thumbnails(
      Map<Integer, byte[]> images,
      String format,
      int width,
      int height,
      Map<String, String> exif) {}

  public Thumbnails make(InputStream source) throws IOException, PermanentFailure {
    try (ImageInputStream iis = ImageIO.createImageInputStream(source)) {
      Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
      if (readers == null || !readers.hasNext()) {
        throw new PermanentFailure(
            "UNSUPPORTED",
            "not an image ImageIO can read (JPEG and PNG are supported), or corrupt");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(iis, true, true);
        String format = reader.getFormatName().toLowerCase();
        int width;
        int height;
        try {
          width = reader.getWidth(0);
          height = reader.getHeight(0);
        } catch (IOException e) {
          throw new PermanentFailure(
              "CORRUPT", "the " + format + " header is unreadable: " + e.getMessage(), e);
        }
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) {
          throw new PermanentFailure(
              "CORRUPT", "the image claims " + width + "x" + height + " pixels");
        }
        if (pixels > maxPixels) {
          throw new PermanentFailure(
              "TOO_LARGE",
              "decompression bomb refused: "
                  + width
                  + "x"
                  + height
                  + " = "
                  + pixels
                  + " pixels, over the limit of "
                  + maxPixels
                  + " (MAX_PIXELS)");
        }
        Map<String, String> exif = format.equals("jpeg") ? exif(reader) : Map.of();
        int largest = widths.get(widths.size() - 1);
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, width / (2 * largest));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage decoded;
        try {
          decoded = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
          throw new PermanentFailure(
              "CORRUPT", "the " + format + " data is corrupt: " + e.getMessage(), e);
        }
        boolean png = format.equals("png");
        Map<Integer, byte[]> out = new LinkedHashMap<>();
        for (int w : widths) {
          BufferedImage scaled = scale(decoded, Math.min(w, width), png);
          out.put(w, png ? png(scaled) : jpeg(scaled));
        }
        return new Thumbnails(out, format, width, height, exif);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * EXIF, when ImageIO can read the metadata; a file whose metadata it rejects is still processed.
   */
  private static Map<String, String> exif(ImageReader reader) {
    try {
      return Exif.read(reader.getImageMetadata(0));
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
  }

  static BufferedImage scale(BufferedImage src, int targetWidth, boolean keepAlpha) {
    int targetHeight =
        Math.max(1, (int) Math.round((double) src.getHeight() * targetWidth / src.getWidth()));
    int type =
        keepAlpha && src.getColorModel().hasAlpha()
            ? BufferedImage.TYPE_INT_ARGB
            : BufferedImage.TYPE_INT_RGB;
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
