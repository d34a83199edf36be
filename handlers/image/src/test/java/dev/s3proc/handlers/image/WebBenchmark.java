package dev.s3proc.handlers.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The web rendition beside libvips on the same photos, at most 2048 px: bytes, and the SSIM each
 * JPEG keeps of the picture it encoded (for vips, its own lossless PNG of the same thumbnail), for
 * s3proc (quality chosen for the SSIM target) and for `vipsthumbnail` at its default quality (75)
 * and at 85, stripped and progressive. Run with bench/web.sh.
 */
public final class WebBenchmark {
  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    WebRendition web = new WebRendition(2048, 0.98);
    ImageDecoder decoder = new ImageDecoder(100_000_000L);
    System.out.printf(
        Locale.ROOT,
        "%-16s %10s %8s %6s %10s %8s %10s %8s%n",
        "photo",
        "s3proc B",
        "SSIM",
        "Q",
        "vips75 B",
        "SSIM",
        "vips85 B",
        "SSIM");
    for (int i = 1; i < args.length; i++) {
      Path photo = Path.of(args[i]);
      BufferedImage source;
      try (var in = Files.newInputStream(photo)) {
        source = decoder.decode(in, "jpg", 1024).image();
      }
      WebRendition.Web ours = web.make(source);
      StringBuilder row =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-16s %10d %8.4f %6.2f",
                  photo.getFileName(),
                  ours.bytes().length,
                  ours.ssim(),
                  ours.quality()));
      BufferedImage reference =
          ImageIO.read(
              vips(photo, work.resolve("vips-" + photo.getFileName() + ".png"), "[strip]")
                  .toFile());
      for (int q : new int[] {75, 85}) {
        Path out =
            vips(
                photo,
                work.resolve("vips" + q + "-" + photo.getFileName()),
                "[Q=" + q + ",strip,interlace]");
        byte[] bytes = Files.readAllBytes(out);
        BufferedImage theirs = ImageIO.read(new ByteArrayInputStream(bytes));
        row.append(
            String.format(Locale.ROOT, " %10d %8.4f", bytes.length, Ssim.of(reference, theirs)));
      }
      System.out.println(row);
    }
  }

  /** vipsthumbnail to at most 2048 px, never enlarging, upright, with the output's options. */
  static Path vips(Path photo, Path out, String options) throws Exception {
    Process p =
        new ProcessBuilder(
                "vipsthumbnail", photo.toString(), "-s", "2048x2048>", "-o", out + options)
            .inheritIO()
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("vipsthumbnail failed on " + photo);
    }
    return out;
  }
}
