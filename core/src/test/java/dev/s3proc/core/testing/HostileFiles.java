package dev.s3proc.core.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/** Small files that ask a processor for a great deal, written byte by byte by the tests. */
public final class HostileFiles {
  private HostileFiles() {}

  /**
   * A valid one-page PDF whose Flate-compressed content stream shows {@code glyphs} glyphs of
   * Helvetica: 200 million of them compress to well under a megabyte, and a text extractor that
   * keeps a page's glyphs in memory needs tens of gigabytes for them.
   */
  public static byte[] glyphBombPdf(long glyphs) {
    byte[] content = deflatedShowText(glyphs);
    ByteArrayOutputStream pdf = new ByteArrayOutputStream();
    List<Integer> offsets = new ArrayList<>();
    write(pdf, "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n");
    String[] objects = {
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
          + " /Resources << /Font << /F1 5 0 R >> >> >>",
      null,
      "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    };
    for (int i = 0; i < objects.length; i++) {
      offsets.add(pdf.size());
      write(pdf, (i + 1) + " 0 obj\n");
      if (objects[i] == null) {
        write(pdf, "<< /Length " + content.length + " /Filter /FlateDecode >>\nstream\n");
        pdf.writeBytes(content);
        write(pdf, "\nendstream\n");
      } else {
        write(pdf, objects[i] + "\n");
      }
      write(pdf, "endobj\n");
    }
    int xref = pdf.size();
    write(pdf, "xref\n0 " + (objects.length + 1) + "\n0000000000 65535 f \n");
    for (int offset : offsets) {
      write(pdf, String.format("%010d 00000 n \n", offset));
    }
    write(
        pdf,
        "trailer\n<< /Size "
            + (objects.length + 1)
            + " /Root 1 0 R >>\nstartxref\n"
            + xref
            + "\n%%EOF\n");
    return pdf.toByteArray();
  }

  private static byte[] deflatedShowText(long glyphs) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream z =
        new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION), 1 << 16)) {
      z.write("BT /F1 1 Tf 10 700 Td\n".getBytes(StandardCharsets.US_ASCII));
      byte[] line = ("(" + "A".repeat(1000) + ") Tj\n").getBytes(StandardCharsets.US_ASCII);
      for (long shown = 0; shown < glyphs; shown += 1000) {
        z.write(line);
      }
      z.write("ET\n".getBytes(StandardCharsets.US_ASCII));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
  }
}
