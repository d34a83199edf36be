package dev.s3proc.handlers.document;

import dev.s3proc.core.config.OutputKeys;
import dev.s3proc.handlers.runtime.Input;
import dev.s3proc.handlers.runtime.PermanentFailure;
import dev.s3proc.handlers.runtime.Processor;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * Lambda handler {@code dev.s3proc.handlers.document.DocumentHandler::handleRequest}: PDF text to
 * OUTPUT_PREFIX/text/KEY.txt (the key whole: report.pdf.txt), page count, title and author in the
 * trail; MAX_PAGES (default 2000) and MAX_PDF_BYTES (default 200 MB) bound the work.
 */
public class DocumentHandler extends ProcessorHandler {
  public DocumentHandler() {
    this(System.getenv());
  }

  public DocumentHandler(Map<String, String> env) {
    super(new DocumentProcessor(env), env);
  }

  static final class DocumentProcessor implements Processor {
    private final TextExtractor extractor;
    private final TextExtractor warmUpExtractor;
    private final long maxBytes;

    DocumentProcessor(Map<String, String> env) {
      this.extractor =
          new TextExtractor(
              Integer.parseInt(env.getOrDefault("MAX_PAGES", "2000")),
              Long.parseLong(env.getOrDefault("MAX_TEXT_CHARS", "20000000")),
              Long.parseLong(env.getOrDefault("MAX_PAGE_GLYPHS", "500000")),
              new PagePreviews(
                  Integer.parseInt(env.getOrDefault("PREVIEW_PAGES", "1")),
                  Integer.parseInt(env.getOrDefault("PREVIEW_WIDTH", "1024")),
                  Integer.parseInt(env.getOrDefault("PREVIEW_MAX_HEIGHT", "4096")),
                  Long.parseLong(env.getOrDefault("PREVIEW_MAX_OPERATORS", "1000000"))));
      // the same code paths on a thumbnail-sized preview: rendering and encoding a full-width page
      // would cost the first file's start ~0.15 s of CPU for nothing
      this.warmUpExtractor =
          new TextExtractor(10, 100_000, 100_000, new PagePreviews(1, 64, 64, 100_000));
      this.maxBytes =
          Long.parseLong(env.getOrDefault("MAX_PDF_BYTES", Long.toString(200L * 1024 * 1024)));
    }

    @Override
    public String name() {
      return "document";
    }

    @Override
    public Result process(Input input) throws PermanentFailure, IOException {
      if (input.size() > maxBytes) {
        throw PermanentFailure.tooLarge(input.size(), maxBytes);
      }
      Path spool = Files.createTempFile("s3proc-", ".pdf");
      try {
        try (InputStream in = input.open()) {
          Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
        }
        TextExtractor.Extracted e = extractor.extract(spool.toFile(), input.deadline());
        List<String> outputs = new java.util.ArrayList<>();
        outputs.add(
            input.put(
                OutputKeys.text(input.key()),
                e.text().getBytes(StandardCharsets.UTF_8),
                "text/plain; charset=utf-8"));
        for (int i = 0; i < e.previews().size(); i++) {
          outputs.add(
              input.put(OutputKeys.preview(input.key(), i + 1), e.previews().get(i), "image/png"));
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("pages", Integer.toString(e.pages()));
        if (e.title() != null) {
          meta.put("title", e.title());
        }
        if (e.author() != null) {
          meta.put("author", e.author());
        }
        meta.put("characters", Integer.toString(e.text().length()));
        meta.put("previews", Integer.toString(e.previews().size()));
        if (e.previewNote() != null) {
          meta.put("note", e.previewNote());
        }
        return new Result(outputs, meta);
      } finally {
        Files.deleteIfExists(spool);
      }
    }

    /**
     * A one-page PDF with a line of Helvetica, written and read back: PDFBox's parser and fonts.
     */
    @Override
    public void warmUp() throws Exception {
      Path pdf = Files.createTempFile("s3proc-warm-up-", ".pdf");
      try {
        try (PDDocument doc = new PDDocument()) {
          PDPage page = new PDPage();
          doc.addPage(page);
          try (PDPageContentStream text = new PDPageContentStream(doc, page)) {
            text.beginText();
            text.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
            text.newLineAtOffset(72, 720);
            text.showText("warm-up");
            text.endText();
          }
          doc.save(pdf.toFile());
        }
        warmUpExtractor.extract(pdf.toFile(), java.time.Instant.now().plusSeconds(60));
      } finally {
        Files.deleteIfExists(pdf);
      }
    }
  }
}
