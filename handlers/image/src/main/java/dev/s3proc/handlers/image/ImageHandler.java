package dev.s3proc.handlers.image;

import dev.s3proc.core.config.OutputKeys;
import dev.s3proc.handlers.runtime.Input;
import dev.s3proc.handlers.runtime.KeyNames;
import dev.s3proc.handlers.runtime.PermanentFailure;
import dev.s3proc.handlers.runtime.Processor;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Lambda handler {@code dev.s3proc.handlers.image.ImageHandler::handleRequest}: thumbnails at
 * THUMBNAIL_WIDTHS (default 256,1024) under OUTPUT_PREFIX/thumbnails/KEY/wN.jpg, upright per EXIF
 * and in sRGB, and a web rendition under web/KEY.jpg (WEB_MAX_WIDTH, default 2048; progressive, no
 * metadata, quality chosen to reach WEB_TARGET_SSIM, default 0.98); dimensions in the trail;
 * damaged files are refused as CORRUPT with what was wrong; images over MAX_PIXELS (default 100
 * million) are refused before decoding.
 */
public class ImageHandler extends ProcessorHandler {
  public ImageHandler() {
    this(System.getenv());
  }

  public ImageHandler(Map<String, String> env) {
    super(new ImageProcessor(env), env);
  }

  static final class ImageProcessor implements Processor {
    private final Thumbnailer thumbnailer;
    private final WebRendition web;

    ImageProcessor(Map<String, String> env) {
      List<Integer> widths =
          Arrays.stream(env.getOrDefault("THUMBNAIL_WIDTHS", "256,1024").split(","))
              .map(String::trim)
              .filter(s -> !s.isEmpty())
              .map(Integer::parseInt)
              .toList();
      long maxPixels = Long.parseLong(env.getOrDefault("MAX_PIXELS", "100000000"));
      float quality = Float.parseFloat(env.getOrDefault("JPEG_QUALITY", "0.85"));
      this.thumbnailer = new Thumbnailer(widths, maxPixels, quality);
      this.web =
          new WebRendition(
              Integer.parseInt(env.getOrDefault("WEB_MAX_WIDTH", "2048")),
              Double.parseDouble(env.getOrDefault("WEB_TARGET_SSIM", "0.98")));
    }

    @Override
    public String name() {
      return "image";
    }

    @Override
    public Result process(Input input) throws PermanentFailure, IOException {
      ImageDecoder.Decoded decoded;
      try (InputStream in = input.open()) {
        decoded = thumbnailer.decode(in, KeyNames.extension(input.key()));
      }
      Thumbnailer.Thumbnails t = thumbnailer.thumbnails(decoded);
      String ext = t.format().equals("png") ? "png" : "jpg";
      List<String> outputs = new ArrayList<>();
      for (var e : t.images().entrySet()) {
        outputs.add(
            input.put(
                OutputKeys.thumbnail(input.key(), e.getKey(), ext),
                e.getValue(),
                ext.equals("png") ? "image/png" : "image/jpeg"));
      }
      WebRendition.Web w = web.make(decoded.image());
      String webExt = w.format().equals("png") ? "png" : "jpg";
      outputs.add(
          input.put(
              OutputKeys.web(input.key(), webExt),
              w.bytes(),
              webExt.equals("png") ? "image/png" : "image/jpeg"));
      Map<String, String> metadata = new java.util.LinkedHashMap<>();
      metadata.put("format", t.format());
      metadata.put("width", Integer.toString(t.width()));
      metadata.put("height", Integer.toString(t.height()));
      metadata.putAll(t.exif());
      metadata.put("webBytes", Integer.toString(w.bytes().length));
      if (w.quality() != null) {
        metadata.put("webQuality", String.format(java.util.Locale.ROOT, "%.2f", w.quality()));
        metadata.put("webSsim", String.format(java.util.Locale.ROOT, "%.4f", w.ssim()));
      }
      if (!t.notes().isEmpty()) {
        metadata.put("note", String.join("; ", t.notes()));
      }
      return new Result(outputs, metadata);
    }

    /** A small JPEG and a small PNG through the thumbnailer: ImageIO's codecs and Java 2D. */
    @Override
    public void warmUp() throws Exception {
      BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
      for (String format : List.of("jpg", "png")) {
        ByteArrayOutputStream encoded = new ByteArrayOutputStream();
        ImageIO.write(image, format, encoded);
        thumbnailer.make(new ByteArrayInputStream(encoded.toByteArray()), format);
      }
    }
  }
}
