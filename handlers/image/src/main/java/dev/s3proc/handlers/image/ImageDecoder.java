package dev.s3proc.handlers.image;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an upload into an upright sRGB image, refusing what is damaged the way the best image
 * pipelines do (sharp's {@code failOn: 'warning'}): a PNG whose structure is broken (a wrong CRC, a
 * damaged signature, cut short) and a JPEG the decoder warns about (cut short, corrupt data) are
 * CORRUPT with what was wrong; a damaged colour profile is not a damaged picture, so it falls back
 * to sRGB with a note. JPEGs go through TwelveMonkeys' reader (CMYK and YCCK, Adobe markers, broken
 * profiles, arithmetic coding) over the JDK's decoder; PNGs through the JDK's, with {@link
 * PngChunks} checking what it does not. The dimensions are read before any pixel, so a
 * decompression bomb is refused without being decoded.
 */
final class ImageDecoder {
  static {
    ImageIO.setUseCache(false); // no temp files: Lambda's /tmp is small and slow
    GenericCmyk.install();
  }

  /** An upright, sRGB picture and what was learnt of it. */
  record Decoded(
      BufferedImage image,
      String format,
      int width,
      int height,
      Map<String, String> exif,
      List<String> notes) {}

  private final long maxPixels;

  ImageDecoder(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /**
   * Decodes the image, subsampled to about {@code wantWidth} upright pixels wide (at least).
   *
   * @param extension the key's extension, lower case: what the uploader says the file is
   */
  Decoded decode(InputStream source, String extension, int wantWidth)
      throws IOException, PermanentFailure {
    BufferedInputStream in = new BufferedInputStream(source, 1 << 16);
    in.mark(16);
    byte[] head = in.readNBytes(8);
    in.reset();
    boolean pngLike =
        head.length >= 4 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
            || extension.equals("png");
    PngChunks png = pngLike ? new PngChunks(in) : null;
    try (ImageInputStream iis = ImageIO.createImageInputStream(png != null ? png : in)) {
      Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
      if (readers == null || !readers.hasNext()) {
        throw unreadable(png);
      }
      ImageReader reader = readers.next();
      List<String> warnings = new ArrayList<>();
      reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
      try {
        reader.setInput(iis, true, true);
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        int width;
        int height;
        try {
          width = reader.getWidth(0);
          height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
          throw corrupt(format, png, "its header is unreadable: " + e.getMessage(), e);
        }
        if (width <= 0 || height <= 0) {
          throw new PermanentFailure(
              "CORRUPT", "the image claims " + width + "x" + height + " pixels");
        }
        long pixels = (long) width * height;
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
        int orientation = Orientation.of(exif.get("orientation"));
        int uprightWidth = Orientation.swapsAxes(orientation) ? height : width;
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, uprightWidth / (2 * wantWidth));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage decoded;
        try {
          decoded = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
          String why = String.valueOf(e.getMessage());
          if (why.contains("Unsupported JPEG data precision")) {
            throw new PermanentFailure(
                "UNSUPPORTED",
                "a " + why.replaceAll("\\D+", "") + "-bit JPEG: the decoder reads 8-bit JPEGs only",
                e);
          }
          throw corrupt(format, png, "its data is corrupt: " + why, e);
        }
        if (png != null && png.finish() != null) {
          throw corrupt(format, png, null, null);
        }
        List<String> notes = new ArrayList<>();
        for (String w : warnings) {
          if (aboutColourProfile(w)) {
            notes.add(w);
          } else {
            throw new PermanentFailure(
                "CORRUPT", "the " + format + " is damaged: " + truncatedOr(w));
          }
        }
        BufferedImage upright = Orientation.apply(toSrgb(decoded), orientation);
        return new Decoded(
            upright,
            format,
            uprightWidth,
            Orientation.swapsAxes(orientation) ? width : height,
            exif,
            notes);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * No reader knows the bytes: a PNG whose signature is damaged (CORRUPT, with what is wrong), or
   * something that is no image this processor reads (UNSUPPORTED).
   */
  private static PermanentFailure unreadable(PngChunks png) throws IOException {
    if (png != null) {
      String fault = png.fault() != null ? png.fault() : png.finish();
      return new PermanentFailure(
          "CORRUPT",
          "not a readable PNG: " + (fault != null ? fault : "its content is not PNG data"));
    }
    return new PermanentFailure(
        "UNSUPPORTED", "not an image this processor reads (JPEG and PNG are), or corrupt");
  }

  /**
   * A PNG's structural fault, when its stream has one (read to its end to find out), says more than
   * the decoder's error.
   */
  private static PermanentFailure corrupt(
      String format, PngChunks png, String otherwise, Throwable cause) {
    String fault = null;
    if (png != null) {
      try {
        fault = png.fault() != null ? png.fault() : png.finish();
      } catch (IOException unreadable) {
        fault = null; // the decoder's error stands
      }
    }
    return new PermanentFailure(
        "CORRUPT", "the " + format + " is damaged: " + (fault != null ? fault : otherwise), cause);
  }

  /** Warnings about an embedded colour profile: the picture is fine, its profile is ignored. */
  static boolean aboutColourProfile(String warning) {
    String w = warning.toLowerCase(Locale.ROOT);
    return w.contains("icc") || w.contains("color profile") || w.contains("colour profile");
  }

  /** libjpeg calls a file cut short "Missing EOI marker": say so in the user's words. */
  private static String truncatedOr(String warning) {
    return warning.contains("Missing EOI") || warning.contains("premature end")
        ? "truncated (" + warning + ")"
        : warning;
  }

  /** EXIF, when the metadata can be read; a file whose metadata is rejected is still processed. */
  private static Map<String, String> exif(ImageReader reader) {
    try {
      return Exif.read(reader.getImageMetadata(0));
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
  }

  /**
   * The image as 8-bit sRGB (with alpha when it has any). Grey images are copied value for value:
   * the JDK decodes grey PNGs into its linear-light grey space, and letting Java 2D convert that to
   * sRGB brightens every mid-tone (a grey+alpha PNG came out 14 to 33 levels too light).
   */
  static BufferedImage toSrgb(BufferedImage src) {
    boolean alpha = src.getColorModel().hasAlpha();
    int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    if (src.getType() == type) {
      return src;
    }
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage out = new BufferedImage(w, h, type);
    if (src.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
      Raster r = src.getRaster();
      int bands = r.getNumBands();
      int bits = src.getColorModel().getComponentSize(0);
      int max = (1 << bits) - 1;
      int[] px = new int[bands];
      int[] argb = new int[w];
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          r.getPixel(x, y, px);
          int g = (px[0] * 255 + max / 2) / max;
          int a = bands > 1 ? (px[1] * 255 + max / 2) / max : 255;
          argb[x] = (a << 24) | (g << 16) | (g << 8) | g;
        }
        out.setRGB(0, y, w, 1, argb, 0, w);
      }
      return out;
    }
    var g = out.createGraphics();
    // copy, not blend: blending onto a transparent canvas rounds the colour of faint pixels away
    g.setComposite(java.awt.AlphaComposite.Src);
    g.drawImage(src, 0, 0, null);
    g.dispose();
    return out;
  }
}
