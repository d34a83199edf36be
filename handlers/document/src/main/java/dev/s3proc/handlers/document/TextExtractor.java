package dev.s3proc.handlers.document;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.io.File;
import java.io.IOException;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.io.RandomAccessStreamCache;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * Text, page count, title and author of a PDF with PDFBox, within page and size limits; an
 * encrypted or broken PDF is a clean permanent failure. The PDF is read from a file, not memory:
 * PDFBox needs random access, and a spooled file keeps a large PDF off the heap.
 */
public final class TextExtractor {
  private final int maxPages;

  public TextExtractor(int maxPages) {
    this.maxPages = maxPages;
  }

  public record Extracted(String text, int pages, String title, String author) {}

  public Extracted extract(File pdf) throws PermanentFailure, IOException {
    RandomAccessStreamCache.StreamCacheCreateFunction cache =
        MemoryUsageSetting.setupTempFileOnly().streamCache;
    PDDocument doc;
    try {
      doc = Loader.loadPDF(pdf, "", null, null, cache);
    } catch (InvalidPasswordException e) {
      throw new PermanentFailure(
          "ENCRYPTED", "the PDF is encrypted with a password: it cannot be read");
    } catch (IOException e) {
      throw new PermanentFailure("CORRUPT", "not a readable PDF: " + e.getMessage(), e);
    }
    try (doc) {
      if (doc.isEncrypted() && !doc.getCurrentAccessPermission().canExtractContent()) {
        throw new PermanentFailure("ENCRYPTED", "the PDF is encrypted and forbids text extraction");
      }
      int pages = doc.getNumberOfPages();
      if (pages > maxPages) {
        throw new PermanentFailure(
            "TOO_LARGE",
            "the PDF has " + pages + " pages, over the limit of " + maxPages + " (MAX_PAGES)");
      }
      String text;
      try {
        PDFTextStripper stripper = new PDFTextStripper();
        // The overlap check compares every glyph with its neighbours to drop fake-bold doubles; it
        // is most of the stripper's time and pdftotext does without it.
        stripper.setSuppressDuplicateOverlappingText(false);
        text = stripper.getText(doc);
      } catch (IOException | RuntimeException e) {
        throw new PermanentFailure("CORRUPT", "the PDF's content is broken: " + e.getMessage(), e);
      }
      PDDocumentInformation info = doc.getDocumentInformation();
      return new Extracted(
          text,
          pages,
          info == null ? null : info.getTitle(),
          info == null ? null : info.getAuthor());
    }
  }
}
