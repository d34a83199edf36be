package dev.s3proc.handlers.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Real PDFs from Apache PDFBox's own test files (corpus/SOURCES.md), their text against what
 * pdftotext (poppler 22.12, the reference) extracts from them: every word pdftotext finds must be
 * found, in form fields too.
 */
class PdfCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/corpus/pdfbox");
  final TextExtractor extractor = new TextExtractor(2000, 20_000_000, 500_000);

  @TestFactory
  Stream<DynamicTest> theTextIsAllThatPdftotextFinds() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files
          .filter(f -> f.toString().endsWith(".pdf") && Files.exists(reference(f)))
          .sorted()
          .toList()
          .stream()
          .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
    }
  }

  void check(Path pdf) throws Exception {
    String ours = extractor.extract(pdf.toFile(), Instant.now().plusSeconds(60)).text();
    String theirs = Files.readString(reference(pdf));
    assertThat(recall(words(theirs), words(ours)))
        .as(pdf.getFileName() + ": share of pdftotext's words found")
        .isGreaterThanOrEqualTo(leastRecall(pdf.getFileName().toString()));
  }

  /** 0.95, unless expected.tsv gives a file less, and says why. */
  static double leastRecall(String file) throws IOException {
    for (String line : Files.readAllLines(CORPUS.resolve("expected.tsv"))) {
      String[] f = line.split("\t");
      if (!line.startsWith("#") && f[0].equals(file)) {
        return Double.parseDouble(f[1]);
      }
    }
    return 0.95;
  }

  /** A PDF whose page tree holds no page is damaged, not an empty success. */
  @Test
  void aPdfWithNoPagesIsCorrupt(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path empty = tmp.resolve("no-pages.pdf");
    try (var doc = new org.apache.pdfbox.pdmodel.PDDocument()) {
      doc.save(empty.toFile());
    }
    assertThatThrownBy(() -> extractor.extract(empty.toFile(), Instant.now().plusSeconds(60)))
        .isInstanceOf(PermanentFailure.class)
        .hasMessageContaining("no pages");
  }

  static Path reference(Path pdf) {
    return pdf.resolveSibling(pdf.getFileName().toString().replace(".pdf", ".pdftotext.txt"));
  }

  static Map<String, Integer> words(String text) {
    Map<String, Integer> counts = new HashMap<>();
    Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
        .filter(w -> !w.isEmpty())
        .forEach(w -> counts.merge(w, 1, Integer::sum));
    return counts;
  }

  static double recall(Map<String, Integer> expected, Map<String, Integer> actual) {
    int total = expected.values().stream().mapToInt(Integer::intValue).sum();
    int found = 0;
    for (var e : expected.entrySet()) {
      found += Math.min(e.getValue(), actual.getOrDefault(e.getKey(), 0));
    }
    return total == 0 ? 1.0 : (double) found / total;
  }
}
