package dev.s3proc.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** S3's "Configurations overlap" rule, case by case. */
class FilterOverlapTest {
  private static final List<String> CREATED = List.of("s3:ObjectCreated:*");

  @Test
  void samePrefixDifferentSuffixesDoNotOverlap() {
    assertThat(
            FilterOverlap.sharedEvent(
                CREATED, "uploads/images/", ".jpg", CREATED, "uploads/images/", ".png"))
        .isEmpty();
  }

  @Test
  void nestedPrefixesWithSameSuffixOverlap() {
    assertThat(
            FilterOverlap.sharedEvent(
                CREATED, "uploads/", ".jpg", CREATED, "uploads/images/", ".jpg"))
        .contains("s3:ObjectCreated:*");
  }

  @Test
  void suffixThatEndsTheOtherOverlaps() {
    // ".jpg" is a suffix of "thumb.jpg": a key ending in thumb.jpg matches both
    assertThat(FilterOverlap.filtersOverlap("a/", ".jpg", "a/", "thumb.jpg")).isTrue();
  }

  @Test
  void absentPrefixOrSuffixOverlapsEverything() {
    assertThat(FilterOverlap.sharedEvent(CREATED, "", "", CREATED, "uploads/", ".pdf")).isPresent();
    assertThat(FilterOverlap.sharedEvent(CREATED, "uploads/", "", CREATED, "uploads/docs/", ".pdf"))
        .isPresent();
  }

  @Test
  void disjointPrefixesDoNotOverlap() {
    assertThat(
            FilterOverlap.sharedEvent(
                CREATED, "uploads/images/", "", CREATED, "uploads/documents/", ""))
        .isEmpty();
  }

  @Test
  void wildcardEventIncludesItsMembers() {
    assertThat(
            FilterOverlap.sharedEvent(CREATED, "a/", "", List.of("s3:ObjectCreated:Put"), "a/", ""))
        .contains("s3:ObjectCreated:Put");
  }

  @Test
  void sameFilterOnDisjointEventsIsValid() {
    assertThat(
            FilterOverlap.sharedEvent(
                List.of("s3:ObjectCreated:*"), "a/", "", List.of("s3:ObjectRemoved:*"), "a/", ""))
        .isEmpty();
    assertThat(
            FilterOverlap.sharedEvent(
                List.of("s3:ObjectCreated:Put"),
                "a/",
                "",
                List.of("s3:ObjectCreated:Copy"),
                "a/",
                ""))
        .isEmpty();
  }

  @Test
  void eventOverlapIsSymmetric() {
    assertThat(S3Events.overlaps("s3:ObjectRemoved:Delete", "s3:ObjectRemoved:*")).isTrue();
    assertThat(S3Events.overlaps("s3:ObjectRemoved:*", "s3:ObjectRemoved:Delete")).isTrue();
    assertThat(S3Events.overlaps("s3:ObjectRestore:*", "s3:ObjectRemoved:Delete")).isFalse();
  }
}
