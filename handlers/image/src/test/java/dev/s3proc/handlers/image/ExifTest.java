package dev.s3proc.handlers.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExifTest {
  /**
   * A JPEG with an APP1 Exif segment: Make, Model, Orientation in IFD0, DateTimeOriginal in the
   * EXIF IFD.
   */
  static byte[] jpegWithExif() throws Exception {
    ByteBuffer t = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
    t.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    t.putShort((short) 4); // IFD0 at 8: 4 entries
    entry(t, 0x010F, 2, 6, 70); // Make -> offset 70
    entry(t, 0x0110, 2, 8, 76); // Model -> offset 76
    t.putShort((short) 0x0112)
        .putShort((short) 3)
        .putInt(1)
        .putShort((short) 6)
        .putShort((short) 0); // Orientation 6
    entry(t, 0x8769, 4, 1, 90); // EXIF IFD at 90
    t.putInt(0);
    t.position(70).put("Canon\0".getBytes(StandardCharsets.US_ASCII));
    t.position(76).put("EOS R5\0\0".getBytes(StandardCharsets.US_ASCII));
    t.position(90).putShort((short) 1);
    entry(t, 0x9003, 2, 20, 110);
    t.putInt(0);
    t.position(110).put("2026:11:28 09:15:00\0".getBytes(StandardCharsets.US_ASCII));
    byte[] tiff = java.util.Arrays.copyOf(t.array(), 130);

    byte[] jpeg = Images.photo(320, 240, "jpg");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int app0 =
        2
            + 2
            + (((jpeg[4] & 0xFF) << 8)
                | (jpeg[5] & 0xFF)); // SOI, then the JFIF APP0 ImageIO wants first
    out.write(jpeg, 0, app0);
    byte[] payload = new byte[6 + tiff.length];
    System.arraycopy("Exif\0\0".getBytes(StandardCharsets.US_ASCII), 0, payload, 0, 6);
    System.arraycopy(tiff, 0, payload, 6, tiff.length);
    out.write(0xFF);
    out.write(0xE1);
    out.write((payload.length + 2) >> 8);
    out.write((payload.length + 2) & 0xFF);
    out.write(payload);
    out.write(jpeg, app0, jpeg.length - app0);
    return out.toByteArray();
  }

  private static void entry(ByteBuffer t, int tag, int type, int count, int value) {
    t.putShort((short) tag).putShort((short) type).putInt(count).putInt(value);
  }

  @Test
  void cameraTimeAndOrientationReachTheTrail() throws Exception {
    var thumbs =
        new Thumbnailer(List.of(64), 1_000_000, 0.8f)
            .make(new ByteArrayInputStream(jpegWithExif()), "jpg");
    assertThat(thumbs.exif())
        .containsEntry("cameraMake", "Canon")
        .containsEntry("cameraModel", "EOS R5")
        .containsEntry("orientation", "6")
        .containsEntry("takenAt", "2026:11:28 09:15:00");
  }

  @Test
  void aJpegWithoutExifHasNoneAndBrokenExifIsIgnored() throws Exception {
    assertThat(
            new Thumbnailer(List.of(64), 1_000_000, 0.8f)
                .make(new ByteArrayInputStream(Images.photo(100, 80, "jpg")), "jpg")
                .exif())
        .isEmpty();
    var out = new java.util.LinkedHashMap<String, String>();
    try {
      Exif.parse(
          "Exif\0\0II*\0\u00ff\u00ff\u00ff\u00ff".getBytes(StandardCharsets.ISO_8859_1), out);
    } catch (RuntimeException expectedForGarbage) {
      // read() wraps parse() and ignores this
    }
    assertThat(Exif.read(null)).isEmpty();
  }
}
