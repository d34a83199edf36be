package dev.s3proc.handlers.document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** PDFs made on the spot with PDFBox. */
final class Pdfs {
  private Pdfs() {}

  static byte[] document(int pages, String title, String author, String userPassword)
      throws IOException {
    try (PDDocument doc = new PDDocument()) {
      doc.getDocumentInformation().setTitle(title);
      doc.getDocumentInformation().setAuthor(author);
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (int i = 1; i <= pages; i++) {
        PDPage page = new PDPage();
        doc.addPage(page);
        try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(font, 14);
          cs.newLineAtOffset(72, 700);
          cs.showText("Page " + i + ": Hello from s3proc, quarterly report");
          cs.endText();
        }
      }
      if (userPassword != null) {
        StandardProtectionPolicy policy =
            new StandardProtectionPolicy("owner-secret", userPassword, new AccessPermission());
        policy.setEncryptionKeyLength(128);
        doc.protect(policy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  /**
   * One page of {@code side} points square, with a line of text and {@code rectangles} filled
   * squares drawn on it (each three operators).
   */
  static byte[] page(float side, int rectangles) throws IOException {
    try (PDDocument doc = new PDDocument()) {
      PDPage page = new PDPage(new org.apache.pdfbox.pdmodel.common.PDRectangle(side, side));
      doc.addPage(page);
      try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
        for (int i = 0; i < rectangles; i++) {
          cs.addRect(i % 500, i / 500 % 500, 1, 1);
          cs.fill();
        }
        cs.beginText();
        cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 14);
        cs.newLineAtOffset(72, 72);
        cs.showText("A poster that is large indeed");
        cs.endText();
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }
}
