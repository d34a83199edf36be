package dev.s3proc.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OutputKeysTest {
  /** The keys that used to share one output when odd segments were dropped. */
  static final List<String> LOOK_ALIKES =
      List.of(
          "uploads/images/victim/photo.jpg",
          "uploads/images/victim/./photo.jpg",
          "uploads/images/victim//photo.jpg",
          "uploads/images/x/../victim/photo.jpg",
          "/uploads/images/victim/photo.jpg",
          "uploads/images/victim/photo.jpg/",
          "uploads/images/victim/photo%2Ejpg",
          "uploads/images/victim/photo.jpg\n",
          "uploads/images/victim/photo.jpg\u0000");

  @Test
  void differentKeysNeverShareAnOutput() {
    Set<String> seen = new HashSet<>();
    for (String key : LOOK_ALIKES) {
      assertThat(seen.add(OutputKeys.thumbnail(key, 256, "jpg"))).as(key).isTrue();
      assertThat(seen.add(OutputKeys.text(key))).as(key).isTrue();
    }
    assertThat(OutputKeys.text("a/report.pdf")).isNotEqualTo(OutputKeys.text("a/report.docx"));
  }

  @Test
  void theEncodingIsUndoneByPercentDecoding() {
    for (String key : LOOK_ALIKES) {
      String encoded = OutputKeys.encode(key);
      assertThat(URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8))
          .isEqualTo(key);
    }
  }

  @Test
  void outputsHaveNoDotEmptyOrControlSegments() {
    for (String key : LOOK_ALIKES) {
      String out = OutputKeys.thumbnail(key, 256, "jpg");
      for (String segment : out.split("/", -1)) {
        assertThat(segment).as(out).isNotEmpty().isNotIn(".", "..");
        assertThat(segment.chars().noneMatch(Character::isISOControl)).as(out).isTrue();
      }
    }
    assertThat(OutputKeys.encode("uploads/my photo +é.jpg")).isEqualTo("uploads/my photo +é.jpg");
    assertThat(OutputKeys.encode("a/./b")).isEqualTo("a/%2E/b");
    assertThat(OutputKeys.encode("../../etc/passwd")).isEqualTo("%2E%2E/%2E%2E/etc/passwd");
  }
}
