package dev.s3proc.handlers.document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** A report-like PDF: every page full of running text, as a 50-page business document would be. */
final class BenchPdfs {
  private BenchPdfs() {}

  static byte[] report(int pages) throws IOException {
    String[] words =
        "the quarterly revenue grew across all regions while operating costs fell as the pipeline processed more files per dollar than planned"
            .split(" ");
    try (PDDocument doc = new PDDocument()) {
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.TIMES_ROMAN);
      java.util.Random rnd = new java.util.Random(7);
      for (int p = 0; p < pages; p++) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(font, 10);
          cs.setLeading(12);
          cs.newLineAtOffset(54, 740);
          for (int line = 0; line < 58; line++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 95) {
              sb.append(words[rnd.nextInt(words.length)]).append(' ');
            }
            cs.showText(sb.toString());
            cs.newLine();
          }
          cs.endText();
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }
}
