package dev.s3proc.handlers.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ContentValidatorTest {
  final ContentValidator validator = new ContentValidator();

  /** 3 GiB of zeros, produced as it is read: nothing of it exists in memory at once. */
  static InputStream zeros(long length) {
    return new InputStream() {
      long left = length;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        java.util.Arrays.fill(b, off, off + n, (byte) 0);
        left -= n;
        return n;
      }
    };
  }

  @Test
  void severalGigabytesStreamThroughASmallHeap() throws Exception {
    // surefire runs this module with -Xmx256m: holding the object would fail with OutOfMemoryError
    long threeGiB = 3L * 1024 * 1024 * 1024;
    assertThat(Runtime.getRuntime().maxMemory()).isLessThan(300L * 1024 * 1024);
    var v = validator.validate(zeros(threeGiB), "exports/blob.zip", Long.MAX_VALUE);
    assertThat(v.bytes()).isEqualTo(threeGiB);
    // sha256 of 3 GiB of zeros, from `head -c 3221225472 /dev/zero | sha256sum`
    assertThat(v.sha256())
        .isEqualTo("305b66a59d15b252092fbda9d09711230c429f351897cbd430e7b55a35fd3b97");
  }

  @Test
  void theTypeComesFromTheBytesNotTheName() throws Exception {
    byte[] pdf =
        "%PDF-1.7\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThatThrownBy(
            () -> validator.validate(new ByteArrayInputStream(pdf), "uploads/images/cat.jpg", 1000))
        .isInstanceOf(PermanentFailure.class)
        .hasMessage("the content is application/pdf but the name says .jpg (image/jpeg)")
        .extracting(e -> ((PermanentFailure) e).type())
        .isEqualTo("TYPE_MISMATCH");
    assertThat(
            validator
                .validate(new ByteArrayInputStream(pdf), "uploads/docs/report.pdf", 1000)
                .contentType())
        .isEqualTo("application/pdf");
  }

  @Test
  void limitsAndEmptinessArePermanentFailures() {
    assertThatThrownBy(() -> validator.validate(zeros(5000), "a.zip", 4096))
        .extracting(e -> ((PermanentFailure) e).type())
        .isEqualTo("TOO_LARGE");
    assertThatThrownBy(() -> validator.validate(zeros(0), "a.pdf", 4096))
        .extracting(e -> ((PermanentFailure) e).type())
        .isEqualTo("EMPTY");
    assertThatThrownBy(
            () -> validator.validate(new ByteArrayInputStream("hello".getBytes()), "a.exe", 4096))
        .extracting(e -> ((PermanentFailure) e).type())
        .isEqualTo("UNSUPPORTED");
  }
}
