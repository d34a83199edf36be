package dev.s3proc.handlers.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every file of the corpus (public decoder test suites, see corpus/SOURCES.md) through the
 * thumbnailer, with its expected outcome: damaged files refused as CORRUPT with what was wrong,
 * valid ones decoded, and where a reference decoder's result exists, the thumbnail compared with it
 * pixel by pixel.
 */
class ImageCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/corpus");

  record Case(String file, String expected, String check, String argument) {}

  static List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    for (String line : Files.readAllLines(CORPUS.resolve("expected.tsv"))) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = Arrays.copyOf(line.split("\t", -1), 4);
      cases.add(new Case(f[0], f[1], f[2] == null ? "" : f[2], f[3] == null ? "" : f[3]));
    }
    return cases;
  }

  /** What the thumbnailer made of a file: the largest thumbnail decoded, or why it refused it. */
  record Made(BufferedImage image, Thumbnailer.Thumbnails thumbnails, PermanentFailure refused) {}

  static Made make(byte[] bytes, String name) throws IOException {
    // 4096: larger than any corpus picture, so the thumbnail is the picture at its own size
    Thumbnailer t = new Thumbnailer(List.of(4096), 100_000_000L, 0.95f);
    try {
      String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      var thumbs = t.make(new ByteArrayInputStream(bytes), ext);
      return new Made(
          ImageIO.read(new ByteArrayInputStream(thumbs.images().get(4096))), thumbs, null);
    } catch (PermanentFailure e) {
      return new Made(null, null, e);
    }
  }

  static Made make(String file) throws IOException {
    return make(Files.readAllBytes(CORPUS.resolve(file)), file);
  }

  @TestFactory
  Stream<DynamicTest> everyFileHasTheRightOutcome() throws IOException {
    return cases().stream()
        .map(c -> DynamicTest.dynamicTest(c.file() + " → " + c.expected(), () -> check(c)));
  }

  static void check(Case c) throws IOException {
    Made m = make(c.file());
    String outcome = m.refused() == null ? "OK" : m.refused().type();
    assertThat(outcome)
        .as(c.file() + (m.refused() == null ? "" : ": " + m.refused().getMessage()))
        .isEqualTo(c.expected());
    switch (c.check()) {
      case "reason" -> assertThat(m.refused().getMessage()).contains(c.argument());
      case "note" ->
          assertThat(String.join("; ", m.thumbnails().notes()))
              .as("an unreadable profile is noted, and the picture kept")
              .contains(c.argument());
      case "rgba" -> assertClose(m.image(), referenceRgba(c.argument()), 1, 1, c.file());
      case "ppm" -> assertClose(m.image(), ppm(c.argument()), 2.5, 64, c.file());
      case "png" -> {
        String[] ref = c.argument().split(" ");
        assertClose(
            m.image(),
            ImageIO.read(CORPUS.resolve(ref[0]).toFile()),
            Double.parseDouble(ref[1]),
            255,
            c.file());
        assertThat(String.join("; ", m.thumbnails().notes())).contains("ICC profile");
      }
      case "upright" -> assertClose(m.image(), make(c.argument()).image(), 4, 255, c.file());
      default -> {}
    }
  }

  @Test
  void filesCutShortAreRefusedAsTruncated() throws IOException {
    byte[] jpeg = Files.readAllBytes(CORPUS.resolve("libjpeg-turbo/testorig.jpg"));
    assertThat(make(Arrays.copyOf(jpeg, 3000), "cut.jpg").refused().getMessage())
        .startsWith("the jpeg is damaged: truncated");
    assertThat(make(Arrays.copyOf(jpeg, jpeg.length - 2), "no-eoi.jpg").refused().getMessage())
        .contains("Missing EOI marker");
    byte[] png = Files.readAllBytes(CORPUS.resolve("pngsuite/basn2c08.png"));
    assertThat(make(Arrays.copyOf(png, png.length / 2), "half.png").refused().getMessage())
        .contains("truncated: it ends inside IDAT");
    assertThat(make(Arrays.copyOf(png, png.length - 12), "no-iend.png").refused().getMessage())
        .contains("before IEND");
  }

  @Test
  void uprightDimensionsAreReportedForRotatedPhotos() throws IOException {
    for (int i = 1; i <= 8; i++) {
      Made m = make("exif-orientation/Portrait_" + i + ".jpg");
      assertThat(m.thumbnails().height())
          .as("orientation " + i)
          .isGreaterThan(m.thumbnails().width());
      assertThat(m.thumbnails().exif()).containsEntry("orientation", Integer.toString(i));
    }
  }

  /** Mean and largest difference per channel, over the pixels that are not fully transparent. */
  static void assertClose(
      BufferedImage actual, BufferedImage expected, double maxMean, int maxPeak, String what) {
    assertThat(actual.getWidth()).as(what + " width").isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).as(what + " height").isEqualTo(expected.getHeight());
    long sum = 0;
    long n = 0;
    int peak = 0;
    for (int y = 0; y < actual.getHeight(); y++) {
      for (int x = 0; x < actual.getWidth(); x++) {
        int a = actual.getRGB(x, y);
        int e = expected.getRGB(x, y);
        int alphaE = e >>> 24;
        int alphaA = a >>> 24;
        int da = Math.abs(alphaA - alphaE);
        peak = Math.max(peak, da);
        sum += da;
        n++;
        if (alphaE == 0) {
          continue; // the colour of an invisible pixel is no one's business
        }
        for (int shift = 0; shift <= 16; shift += 8) {
          int d = Math.abs(((a >> shift) & 0xff) - ((e >> shift) & 0xff));
          peak = Math.max(peak, d);
          sum += d;
          n++;
        }
      }
    }
    double mean = (double) sum / n;
    assertThat(mean).as(what + ": mean difference from the reference").isLessThanOrEqualTo(maxMean);
    assertThat(peak)
        .as(what + ": largest difference from the reference")
        .isLessThanOrEqualTo(maxPeak);
  }

  /** A Luna Paint RGBA decode: a JSON array of r,g,b,a values, row by row, square. */
  static BufferedImage referenceRgba(String file) throws IOException {
    String text = Files.readString(CORPUS.resolve(file), StandardCharsets.US_ASCII);
    int[] v =
        Arrays.stream(text.replaceAll("[\\[\\]\\s]", "").split(","))
            .filter(s -> !s.isEmpty())
            .mapToInt(Integer::parseInt)
            .toArray();
    int side = (int) Math.round(Math.sqrt(v.length / 4.0));
    BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_INT_ARGB);
    for (int i = 0; i < side * side; i++) {
      int argb = (v[4 * i + 3] << 24) | (v[4 * i] << 16) | (v[4 * i + 1] << 8) | v[4 * i + 2];
      img.setRGB(i % side, i / side, argb);
    }
    return img;
  }

  /** A binary PPM (P6, maxval 255), as libjpeg's djpeg writes it. */
  static BufferedImage ppm(String file) throws IOException {
    byte[] b = Files.readAllBytes(CORPUS.resolve(file));
    int[] header = new int[3];
    int pos = 2;
    for (int k = 0; k < 3; k++) {
      while (Character.isWhitespace(b[pos])) {
        pos++;
      }
      int value = 0;
      while (Character.isDigit(b[pos])) {
        value = value * 10 + (b[pos++] - '0');
      }
      header[k] = value;
    }
    pos++; // the single whitespace before the pixels
    BufferedImage img = new BufferedImage(header[0], header[1], BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < header[1]; y++) {
      for (int x = 0; x < header[0]; x++) {
        int r = b[pos++] & 0xff;
        int g = b[pos++] & 0xff;
        int bl = b[pos++] & 0xff;
        img.setRGB(x, y, (r << 16) | (g << 8) | bl);
      }
    }
    return img;
  }
}
