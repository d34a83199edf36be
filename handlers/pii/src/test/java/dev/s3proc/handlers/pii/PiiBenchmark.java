package dev.s3proc.handlers.pii;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * PII detection throughput on text: the labelled set (marks removed), or a text file given as the
 * third argument, repeated to about {@code MB} megabytes, scanned by the processor's reader and
 * scanner in this JVM after two warm-up passes; prints each run and the median MB/s. Run by
 * bench/pii.sh.
 */
public final class PiiBenchmark {
  private PiiBenchmark() {}

  public static void main(String[] args) throws Exception {
    int mb = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    String text;
    if (args.length > 2) { // a text of the caller's, e.g. prose
      text = java.nio.file.Files.readString(java.nio.file.Path.of(args[2]), StandardCharsets.UTF_8);
    } else { // the labelled set: a finding every 80 bytes, the worst case
      try (var in = PiiBenchmark.class.getResourceAsStream("/pii/labelled.txt")) {
        text =
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .replaceAll("\\[\\[[A-Z_]+:(.*?)]]", "$1");
      }
    }
    StringBuilder big = new StringBuilder();
    while (big.length() < mb * 1_000_000L) {
      big.append(text);
    }
    byte[] bytes = big.toString().getBytes(StandardCharsets.UTF_8);
    PiiHandler.PiiProcessor processor = new PiiHandler.PiiProcessor();
    List<Double> rates = new ArrayList<>();
    int findings = 0;
    for (int i = 0; i < runs + 2; i++) {
      long start = System.nanoTime();
      findings =
          processor.scan(new ByteArrayInputStream(bytes), Instant.now().plusSeconds(3600)).size();
      double seconds = (System.nanoTime() - start) / 1e9;
      double rate = bytes.length / 1e6 / seconds;
      if (i >= 2) {
        rates.add(rate);
        System.out.printf(
            "run %d: %.1f MB in %.2f s = %.1f MB/s%n", i - 1, bytes.length / 1e6, seconds, rate);
      }
    }
    Collections.sort(rates);
    System.out.printf(
        "median %.1f MB/s over %d runs (%d findings per pass, %d lines of %.0f bytes on average)%n",
        rates.get(rates.size() / 2),
        rates.size(),
        findings,
        big.chars().filter(c -> c == '\n').count(),
        (double) bytes.length / Math.max(1, big.chars().filter(c -> c == '\n').count()));
  }
}
