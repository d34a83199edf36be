package dev.s3proc.core.config;

import dev.s3proc.core.config.PipelineConfig.Rule;
import java.util.List;
import java.util.Optional;

/**
 * S3's rule for "Configurations overlap": two configurations on one bucket may not share an event
 * type when one's prefix is a prefix of the other's and one's suffix is a suffix of the other's. An
 * absent prefix or suffix is the empty string, which overlaps everything.
 */
public final class FilterOverlap {
  private FilterOverlap() {}

  /** The first event type the two rules share, if their filters also overlap. */
  public static Optional<String> sharedEvent(
      List<String> eventsA,
      String prefixA,
      String suffixA,
      List<String> eventsB,
      String prefixB,
      String suffixB) {
    if (!filtersOverlap(prefixA, suffixA, prefixB, suffixB)) {
      return Optional.empty();
    }
    for (String a : eventsA) {
      for (String b : eventsB) {
        if (S3Events.overlaps(a, b)) {
          return Optional.of(a.length() <= b.length() ? b : a);
        }
      }
    }
    return Optional.empty();
  }

  public static Optional<String> sharedEvent(Rule a, Rule b) {
    return sharedEvent(a.events(), a.prefix(), a.suffix(), b.events(), b.prefix(), b.suffix());
  }

  public static boolean filtersOverlap(
      String prefixA, String suffixA, String prefixB, String suffixB) {
    boolean prefixes = prefixA.startsWith(prefixB) || prefixB.startsWith(prefixA);
    boolean suffixes = suffixA.endsWith(suffixB) || suffixB.endsWith(suffixA);
    return prefixes && suffixes;
  }
}
