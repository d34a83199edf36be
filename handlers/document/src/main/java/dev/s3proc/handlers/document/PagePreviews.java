package dev.s3proc.handlers.document;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.pdfbox.contentstream.operator.Operator;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.rendering.PageDrawer;
import org.apache.pdfbox.rendering.PageDrawerParameters;

/**
 * PNG previews of a PDF's first pages, with PDFBox's renderer, bounded so that no page can take the
 * heap or the function's time: the picture is {@code width} pixels wide whatever the page's size
 * (and at most {@code maxHeight} tall), a page larger than PDF's own limit of 14,400 points a side
 * is not drawn, and drawing stops after {@code maxOperators} content operators or near the
 * attempt's deadline. A page that cannot be previewed is noted, never a reason to fail the file:
 * its text is what matters.
 */
final class PagePreviews {
  /** The largest page side PDF readers accept, in points (200 inches). */
  static final float MAX_PAGE_POINTS = 14_400;

  record Previews(List<byte[]> pngs, String note) {}

  private final int pages;
  private final int width;
  private final int maxHeight;
  private final long maxOperators;

  PagePreviews(int pages, int width, int maxHeight, long maxOperators) {
    this.pages = pages;
    this.width = width;
    this.maxHeight = maxHeight;
    this.maxOperators = maxOperators;
  }

  /** Thrown from inside the renderer to stop drawing a page at a limit. */
  private static final class Stop extends RuntimeException {
    Stop(String message) {
      super(message, null, false, false);
    }
  }

  Previews render(PDDocument doc, Instant stopAt) {
    List<byte[]> out = new ArrayList<>();
    long[] operators = {0};
    PDFRenderer renderer =
        new PDFRenderer(doc) {
          @Override
          protected PageDrawer createPageDrawer(PageDrawerParameters parameters)
              throws IOException {
            return new PageDrawer(parameters) {
              @Override
              protected void processOperator(Operator operator, List<COSBase> operands)
                  throws IOException {
                if (++operators[0] > maxOperators) {
                  throw new Stop("it draws more than " + maxOperators + " operations");
                }
                if ((operators[0] & 0x3ff) == 0 && Instant.now().isAfter(stopAt)) {
                  throw new Stop("it would not be drawn before the function's timeout");
                }
                super.processOperator(operator, operands);
              }
            };
          }
        };
    int n = Math.min(pages, doc.getNumberOfPages());
    for (int i = 0; i < n; i++) {
      PDRectangle box = doc.getPage(i).getCropBox();
      int rotation = doc.getPage(i).getRotation();
      boolean sideways = rotation % 180 != 0;
      float w = sideways ? box.getHeight() : box.getWidth();
      float h = sideways ? box.getWidth() : box.getHeight();
      if (w <= 0 || h <= 0 || w > MAX_PAGE_POINTS || h > MAX_PAGE_POINTS) {
        return new Previews(
            out,
            "page "
                + (i + 1)
                + " is not previewed: it is "
                + Math.round(w)
                + "x"
                + Math.round(h)
                + " points, past PDF's limit of "
                + (int) MAX_PAGE_POINTS);
      }
      float scale = Math.min(width / w, maxHeight / h);
      operators[0] = 0;
      try {
        BufferedImage image = renderer.renderImage(i, scale, ImageType.RGB);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        out.add(png.toByteArray());
      } catch (Stop e) {
        return new Previews(out, "page " + (i + 1) + " is not previewed: " + e.getMessage());
      } catch (IOException | RuntimeException e) {
        return new Previews(
            out, "page " + (i + 1) + " is not previewed: it cannot be drawn (" + e + ")");
      }
    }
    return new Previews(out, null);
  }
}
