package dev.s3proc.handlers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyNamesTest {
  @Test
  void fileNameAndExtension() {
    assertThat(KeyNames.fileName("a/b.c/report.final.pdf")).isEqualTo("report.final.pdf");
    assertThat(KeyNames.fileName("README")).isEqualTo("README");
    assertThat(KeyNames.extension("a/Photo.JPG")).isEqualTo("jpg");
    assertThat(KeyNames.extension("a.d/noext")).isEmpty();
    assertThat(KeyNames.extension("a/.hidden")).isEmpty();
  }
}
