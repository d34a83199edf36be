package dev.s3proc.handlers.pii;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.s3proc.core.config.OutputKeys;
import dev.s3proc.handlers.document.TextExtractor;
import dev.s3proc.handlers.runtime.Input;
import dev.s3proc.handlers.runtime.PermanentFailure;
import dev.s3proc.handlers.runtime.Processor;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Lambda handler {@code dev.s3proc.handlers.pii.PiiHandler::handleRequest}: personal data and
 * secrets in a text object (plain text, CSV, JSON, logs) or a PDF's text (by page), by {@link
 * PiiScanner}. The trail gets the counts by type; the outputs get {@code pii/<key>.json} with each
 * finding's type, line and masked form — never a value.
 */
public class PiiHandler extends ProcessorHandler {
  public PiiHandler() {
    super(new PiiProcessor());
  }

  public PiiHandler(Map<String, String> env) {
    super(new PiiProcessor(), env);
  }

  static final class PiiProcessor implements Processor {
    /** Lines longer than this are read in pieces of this size (a minified JSON is one line). */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** Findings listed in the report; past it, they are counted only. */
    static final int MAX_LISTED = 10_000;

    private final PiiScanner scanner =
        new PiiScanner(System.getenv().getOrDefault("PII_PHONE_REGION", "US"));

    /** The document processor's limits (MAX_PAGES, MAX_TEXT_CHARS, MAX_PAGE_GLYPHS). */
    private final TextExtractor pdfText =
        new TextExtractor(
            Integer.parseInt(System.getenv().getOrDefault("MAX_PAGES", "2000")),
            Long.parseLong(System.getenv().getOrDefault("MAX_TEXT_CHARS", "20000000")),
            Long.parseLong(System.getenv().getOrDefault("MAX_PAGE_GLYPHS", "500000")));

    @Override
    public String name() {
      return "pii";
    }

    @Override
    public Result process(Input input) throws PermanentFailure, IOException {
      if (input.size() == 0) {
        throw PermanentFailure.empty();
      }
      String lower = input.key().toLowerCase(Locale.ROOT);
      List<PiiScanner.Finding> findings;
      if (lower.endsWith(".pdf")) {
        findings = scanPdf(input);
      } else {
        try (InputStream in = input.open()) {
          findings = scan(in, input.deadline());
        }
      }
      Map<PiiScanner.Type, Integer> counts = PiiScanner.counts(findings);
      int total = findings.size();
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("bucket", input.bucket());
      report.put("key", input.key());
      report.put("verdict", total == 0 ? "NONE" : "FOUND");
      Map<String, Object> byType = new LinkedHashMap<>();
      counts.forEach((t, n) -> byType.put(t.name(), n));
      report.put("counts", byType);
      List<Map<String, Object>> listed = new ArrayList<>();
      for (PiiScanner.Finding f : findings.subList(0, Math.min(total, MAX_LISTED))) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("type", f.type().name());
        if (f.page() > 0) {
          item.put("page", f.page());
        }
        item.put("line", f.line());
        item.put("masked", f.masked());
        listed.add(item);
      }
      report.put("findings", listed);
      report.put("truncated", total > MAX_LISTED);
      String uri =
          input.put(OutputKeys.pii(input.key()), JSON.std.asBytes(report), "application/json");
      Map<String, String> metadata = new LinkedHashMap<>();
      metadata.put("piiVerdict", total == 0 ? "NONE" : "FOUND");
      metadata.put("piiFindings", Integer.toString(total));
      counts.forEach(
          (t, n) -> {
            if (n > 0) {
              metadata.put("pii." + t.name(), Integer.toString(n));
            }
          });
      return new Result(List.of(uri), metadata);
    }

    /**
     * Reads the text line by line as strict UTF-8: bytes that are not UTF-8 (a binary file, a
     * Latin-1 one) are refused, not scanned as garbage.
     */
    List<PiiScanner.Finding> scan(InputStream in, Instant deadline)
        throws PermanentFailure, IOException {
      Reader reader =
          new InputStreamReader(
              in,
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT));
      List<PiiScanner.Finding> out = new ArrayList<>();
      StringBuilder line = new StringBuilder();
      char[] buf = new char[8192];
      int number = 1;
      try {
        for (int n; (n = reader.read(buf)) > 0; ) {
          for (int i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\u0000') {
              throw notText("it holds NUL bytes");
            }
            if (c == '\n') {
              scanLine(line, number++, out);
            } else if (line.length() >= MAX_LINE_CHARS) {
              scanLine(line, number, out);
              line.append(c);
            } else {
              line.append(c);
            }
          }
          if (Instant.now().isAfter(deadline)) {
            throw new PermanentFailure(
                "TIMEOUT",
                "the scan did not finish before the attempt's deadline, at line " + number);
          }
        }
      } catch (CharacterCodingException e) {
        throw notText("it is not UTF-8 text (near line " + number + ")");
      }
      scanLine(line, number, out);
      return out;
    }

    /**
     * A PDF's text, page by page, through the document processor's extractor (its limits, and its
     * verdicts on an encrypted or corrupt file); each finding placed by page and line.
     */
    List<PiiScanner.Finding> scanPdf(Input input) throws PermanentFailure, IOException {
      Path pdf = Files.createTempFile("s3proc-pii", ".pdf");
      try {
        try (InputStream in = input.open()) {
          Files.copy(in, pdf, StandardCopyOption.REPLACE_EXISTING);
        }
        String text = pdfText.extract(pdf.toFile(), input.deadline(), "\f").text();
        List<PiiScanner.Finding> out = new ArrayList<>();
        String[] pages = text.split("\f", -1);
        for (int p = 0; p < pages.length; p++) {
          String[] lines = pages[p].split("\r?\n", -1);
          for (int l = 0; l < lines.length; l++) {
            for (PiiScanner.Finding f : scanner.scan(lines[l], p + 1)) {
              out.add(new PiiScanner.Finding(f.type(), p + 1, l + 1, f.masked()));
            }
          }
        }
        return out;
      } finally {
        Files.deleteIfExists(pdf);
      }
    }

    private void scanLine(StringBuilder line, int number, List<PiiScanner.Finding> out) {
      if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
        line.setLength(line.length() - 1);
      }
      for (PiiScanner.Finding f : scanner.scan(line.toString(), 0)) {
        out.add(new PiiScanner.Finding(f.type(), f.page(), number, f.masked()));
      }
      line.setLength(0);
    }

    private static PermanentFailure notText(String why) {
      return new PermanentFailure(
          "UNSUPPORTED",
          "not text: " + why + "; the pii processor reads UTF-8 text, CSV, JSON and PDFs");
    }

    /** libphonenumber's metadata and the scanner's patterns, on a line of made-up text. */
    @Override
    public void warmUp() throws Exception {
      scan(
          new ByteArrayInputStream(
              "call +1 650-253-0000 or mail a@example.com\n".getBytes(StandardCharsets.UTF_8)),
          Instant.now().plusSeconds(60));
    }
  }
}
