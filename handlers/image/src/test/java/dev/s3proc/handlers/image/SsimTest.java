package dev.s3proc.handlers.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class SsimTest {
  /** A picture with edges, gradients and noise: something a JPEG quality changes. */
  private static BufferedImage picture(int type) {
    BufferedImage image = new BufferedImage(240, 160, type);
    Graphics2D g = image.createGraphics();
    Random random = new Random(42);
    for (int y = 0; y < 160; y++) {
      for (int x = 0; x < 240; x++) {
        int noise = random.nextInt(40);
        image.setRGB(x, y, new Color((x + noise) % 256, (y * 2) % 256, (x + y) % 256).getRGB());
      }
    }
    g.setColor(Color.BLACK);
    g.fillOval(60, 40, 80, 60);
    g.dispose();
    return image;
  }

  @Test
  void anImageIsIdenticalToItself() {
    BufferedImage image = picture(BufferedImage.TYPE_INT_RGB);
    assertThat(Ssim.of(image, image)).isEqualTo(1.0);
  }

  @Test
  void samplesReadDirectlyGiveWhatTheColourModelGives() {
    // the fast path (8-bit sRGB samples) against getRGB, on the layouts the handler meets:
    // its own INT_RGB pictures and ImageIO's 3BYTE_BGR decodings
    for (int type :
        new int[] {
          BufferedImage.TYPE_INT_RGB,
          BufferedImage.TYPE_3BYTE_BGR,
          BufferedImage.TYPE_INT_BGR,
          BufferedImage.TYPE_4BYTE_ABGR
        }) {
      BufferedImage image = picture(type);
      Ssim.Plane plane = Ssim.plane(image);
      for (int[] p : new int[][] {{0, 0}, {17, 33}, {239, 159}, {100, 70}}) {
        int rgb = image.getRGB(p[0], p[1]);
        double expected =
            0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
        assertThat((double) plane.luma()[p[1] * 240 + p[0]]).isCloseTo(expected, within(1e-3));
      }
    }
  }

  @Test
  void lowerJpegQualityKeepsLessOfThePicture() throws IOException {
    BufferedImage image = picture(BufferedImage.TYPE_INT_RGB);
    double high = Ssim.of(image, decoded(WebRendition.jpeg(image, 0.94f, false)));
    double low = Ssim.of(image, decoded(WebRendition.jpeg(image, 0.30f, false)));
    assertThat(high).isLessThan(1.0).isGreaterThan(low);
    assertThat(low).isGreaterThan(0.3);
  }

  @Test
  void aGreyPictureIsMeasuredThroughItsColourModel() {
    BufferedImage grey = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
    grey.getRaster().setSample(10, 10, 0, 200);
    Ssim.Plane plane = Ssim.plane(grey);
    assertThat((double) plane.luma()[10 * 64 + 10])
        .isCloseTo(grey.getRGB(10, 10) & 0xff, within(1.0));
    assertThat(Ssim.of(grey, grey)).isEqualTo(1.0);
  }

  private static BufferedImage decoded(byte[] jpeg) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(jpeg));
  }
}
