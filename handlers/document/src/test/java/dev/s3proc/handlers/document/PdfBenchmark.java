package dev.s3proc.handlers.document;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * With "make FILE PAGES": writes a text PDF. Otherwise: milliseconds to extract the text of the PDF
 * given, warm, median of the runs. Run with bench/handlers.sh, which times pdftotext on the same
 * file.
 */
public final class PdfBenchmark {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("make")) {
      Files.write(Path.of(args[1]), BenchPdfs.report(Integer.parseInt(args[2])));
      return;
    }
    int runs = Integer.parseInt(args[0]);
    File pdf = new File(args[1]);
    TextExtractor extractor = new TextExtractor(100_000, Long.MAX_VALUE, Long.MAX_VALUE);
    for (int i = 0; i < 5; i++) {
      extractor.extract(pdf, java.time.Instant.now().plusSeconds(3600));
    }
    List<Double> ms = new ArrayList<>();
    for (int r = 0; r < runs; r++) {
      long t0 = System.nanoTime();
      extractor.extract(pdf, java.time.Instant.now().plusSeconds(3600));
      ms.add((System.nanoTime() - t0) / 1e6);
    }
    Collections.sort(ms);
    System.out.printf("%.1f%n", ms.get(ms.size() / 2));
  }
}
