package dev.s3proc.handlers.document;

import dev.s3proc.handlers.runtime.PermanentFailure;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.MemoryUsageSetting;
import org.apache.pdfbox.io.RandomAccessStreamCache;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDField;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * Text, page count, title and author of a PDF with PDFBox, within page, text and time limits; an
 * encrypted or broken PDF is a clean permanent failure. The PDF is read from a file, not memory:
 * PDFBox needs random access, and a spooled file keeps a large PDF off the heap. The work is
 * bounded, because a small file can ask for a great deal: a 670 KB PDF whose one page inflates to
 * 200 million glyphs would hold them all in memory at once (PDFBox keeps a page's glyphs until the
 * page ends) and take the heap.
 */
public final class TextExtractor {
  /** Time kept back at the end of an attempt to record its outcome. */
  static final Duration MARGIN = Duration.ofSeconds(3);

  private final int maxPages;
  private final long maxChars;
  private final long maxPageGlyphs;

  private final PagePreviews previews;

  public TextExtractor(int maxPages, long maxChars, long maxPageGlyphs) {
    this(maxPages, maxChars, maxPageGlyphs, null);
  }

  /**
   * @param previews the first pages' previews to render once the text is out, or null for none
   */
  TextExtractor(int maxPages, long maxChars, long maxPageGlyphs, PagePreviews previews) {
    this.maxPages = maxPages;
    this.maxChars = maxChars;
    this.maxPageGlyphs = maxPageGlyphs;
    this.previews = previews;
  }

  /** Thrown from inside PDFBox's content stream processing, to stop it at a limit. */
  private static final class LimitReached extends RuntimeException {
    final PermanentFailure failure;

    LimitReached(PermanentFailure failure) {
      super(failure.getMessage(), null, false, false);
      this.failure = failure;
    }
  }

  /** A text stripper that counts what it is given and stops at the limits. */
  private final class BoundedStripper extends PDFTextStripper {
    private final Instant stopAt;
    private long chars;
    private long pageGlyphs;

    BoundedStripper(Instant deadline) {
      this.stopAt = deadline.minus(MARGIN);
    }

    @Override
    protected void startPage(PDPage page) throws IOException {
      pageGlyphs = 0;
      super.startPage(page);
    }

    @Override
    protected void processTextPosition(TextPosition text) {
      chars += text.getUnicode() == null ? 1 : text.getUnicode().length();
      if (++pageGlyphs > maxPageGlyphs) {
        throw new LimitReached(
            new PermanentFailure(
                "TOO_LARGE",
                "page "
                    + getCurrentPageNo()
                    + " draws more than "
                    + maxPageGlyphs
                    + " glyphs (MAX_PAGE_GLYPHS): refused before it takes the memory"));
      }
      if (chars > maxChars) {
        throw new LimitReached(
            new PermanentFailure(
                "TOO_LARGE",
                "the text is over " + maxChars + " characters (MAX_TEXT_CHARS): refused"));
      }
      if ((pageGlyphs & 0xfff) == 0 && Instant.now().isAfter(stopAt)) {
        throw new LimitReached(
            new PermanentFailure(
                "TOO_LARGE",
                "text extraction would not finish before the function's timeout (stopped at page "
                    + getCurrentPageNo()
                    + ")"));
      }
      super.processTextPosition(text);
    }
  }

  /**
   * @param previews PNGs of the first pages, in order
   * @param previewNote why a page was not previewed, or null
   */
  public record Extracted(
      String text,
      int pages,
      String title,
      String author,
      List<byte[]> previews,
      String previewNote) {}

  /**
   * Form fields' text is drawn by widget annotations, which a text stripper does not read (a form
   * kept a fifth of what pdftotext extracts). Flattening the form draws the widgets into their
   * pages, so their text comes out where it is seen. A form that cannot be flattened gives its
   * fields' values, appended; null when there is nothing more.
   */
  private static String formFieldsIntoPages(PDDocument doc) {
    PDAcroForm form = doc.getDocumentCatalog().getAcroForm(null);
    if (form == null || form.getFields().isEmpty()) {
      return null;
    }
    try {
      if (form.getNeedAppearances()) {
        form.refreshAppearances();
      }
      form.flatten();
      return null;
    } catch (IOException | RuntimeException e) {
      StringBuilder values = new StringBuilder();
      for (PDField field : form.getFieldTree()) {
        String v = field.getValueAsString();
        if (v != null && !v.isBlank()) {
          values.append('\n').append(v);
        }
      }
      return values.length() == 0 ? null : values.toString();
    }
  }

  /** Extracts the text, giving up with TOO_LARGE a little before {@code deadline}. */
  public Extracted extract(File pdf, Instant deadline) throws PermanentFailure, IOException {
    return extract(pdf, deadline, null);
  }

  /**
   * Extracts the text with {@code pageEnd} after each page (a form feed lets a reader tell the
   * pages apart), or PDFBox's default when null.
   */
  public Extracted extract(File pdf, Instant deadline, String pageEnd)
      throws PermanentFailure, IOException {
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
      if (pages == 0) {
        throw new PermanentFailure(
            "CORRUPT", "the PDF has no pages: its catalog or page tree is missing or damaged");
      }
      if (pages > maxPages) {
        throw new PermanentFailure(
            "TOO_LARGE",
            "the PDF has " + pages + " pages, over the limit of " + maxPages + " (MAX_PAGES)");
      }
      String formText = formFieldsIntoPages(doc);
      String text;
      try {
        PDFTextStripper stripper = new BoundedStripper(deadline);
        // The overlap check compares every glyph with its neighbours to drop fake-bold doubles; it
        // is most of the stripper's time and pdftotext does without it.
        stripper.setSuppressDuplicateOverlappingText(false);
        if (pageEnd != null) {
          stripper.setPageEnd(pageEnd);
        }
        text = stripper.getText(doc);
      } catch (LimitReached e) {
        throw e.failure;
      } catch (IOException | RuntimeException e) {
        throw new PermanentFailure("CORRUPT", "the PDF's content is broken: " + e.getMessage(), e);
      }
      if (formText != null) {
        text = text + formText;
      }
      PagePreviews.Previews drawn =
          previews == null ? null : previews.render(doc, deadline.minus(MARGIN));
      PDDocumentInformation info = doc.getDocumentInformation();
      return new Extracted(
          text,
          pages,
          info == null ? null : info.getTitle(),
          info == null ? null : info.getAuthor(),
          drawn == null ? List.of() : drawn.pngs(),
          drawn == null ? null : drawn.note());
    }
  }
}
