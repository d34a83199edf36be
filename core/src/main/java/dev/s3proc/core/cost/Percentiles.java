package dev.s3proc.core.cost;

import java.util.List;

/** Nearest-rank percentiles of a sorted list: p50 of 1..100 is 50, p95 is 95, p99 is 99. */
public final class Percentiles {
  private Percentiles() {}

  public static <T extends Comparable<T>> T of(List<T> sorted, double percentile) {
    if (sorted.isEmpty()) {
      return null;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
