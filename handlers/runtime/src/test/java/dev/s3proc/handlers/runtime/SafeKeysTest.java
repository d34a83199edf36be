package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeKeysTest {
  @Test
  void oddKeysCannotEscapeTheOutputPrefix() {
    assertThat(SafeKeys.derive("../../etc/passwd")).isEqualTo("etc/passwd");
    assertThat(SafeKeys.derive("/uploads//images/./a.jpg")).isEqualTo("uploads/images/a.jpg");
    assertThat(SafeKeys.derive("uploads/bad\u0000name\n.jpg")).isEqualTo("uploads/bad_name_.jpg");
    assertThat(SafeKeys.derive("..")).isEqualTo("_");
    assertThat(SafeKeys.derive("uploads/my photo +é.jpg")).isEqualTo("uploads/my photo +é.jpg");
  }

  @Test
  void stemAndExtension() {
    assertThat(SafeKeys.stem("a/b.c/report.final.pdf")).isEqualTo("a/b.c/report.final");
    assertThat(SafeKeys.stem("a/b.c/README")).isEqualTo("a/b.c/README");
    assertThat(SafeKeys.extension("a/Photo.JPG")).isEqualTo("jpg");
    assertThat(SafeKeys.extension("a.d/noext")).isEmpty();
  }
}
