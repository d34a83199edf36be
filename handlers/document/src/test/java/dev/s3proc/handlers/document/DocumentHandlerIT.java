package dev.s3proc.handlers.document;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The document handler on moto, driven by event fixtures. */
class DocumentHandlerIT {
  HandlerHarness h;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
  }

  @Test
  void aPdfBecomesTextWithPagesTitleAndAuthor() throws Exception {
    String key = "uploads/documents/Q3 report+final é.pdf";
    byte[] pdf = Pdfs.document(3, "Q3 Report", "Finance Team", null);
    String etag = h.put(key, pdf);

    var response =
        h.invoke(
            new DocumentHandler(h.env(true)),
            h.event("sqs-moto-s3-event.json", key, pdf.length, etag));
    assertThat(response.path("batchItemFailures")).isEmpty();

    String text =
        new String(
            h.get("processed/text/uploads/documents/Q3 report+final é.pdf.txt"),
            StandardCharsets.UTF_8);
    assertThat(text).contains("Page 1: Hello from s3proc", "Page 3: Hello from s3proc");
    assertThat(h.history(key))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
              assertThat(r.metadata())
                  .containsEntry("pages", "3")
                  .containsEntry("title", "Q3 Report")
                  .containsEntry("author", "Finance Team");
              assertThat(r.outputs())
                  .containsExactly(
                      "s3://terminus-uploads/processed/text/uploads/documents/Q3 report+final é.pdf.txt",
                      "s3://terminus-uploads/processed/previews/uploads/documents/Q3 report+final é.pdf/p1.png");
              assertThat(r.metadata()).containsEntry("previews", "1");
            });
  }

  @Test
  void encryptedBrokenAndOverlongPdfsFailCleanly() throws Exception {
    var env = HandlerHarness.with(h.env(true), "MAX_PAGES", "5");
    DocumentHandler handler = new DocumentHandler(env);
    record Bad(String key, byte[] bytes, String type) {}
    for (Bad b :
        new Bad[] {
          new Bad(
              "uploads/documents/secret.pdf", Pdfs.document(1, "s", "a", "user-pass"), "ENCRYPTED"),
          new Bad(
              "uploads/documents/broken.pdf",
              "%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage".getBytes(),
              "CORRUPT"),
          new Bad("uploads/documents/long.pdf", Pdfs.document(8, "long", "a", null), "TOO_LARGE")
        }) {
      String etag = h.put(b.key(), b.bytes());
      var response =
          h.invoke(handler, h.event("sqs-moto-s3-event.json", b.key(), b.bytes().length, etag));
      assertThat(response.path("batchItemFailures")).as(b.key()).isEmpty();
      assertThat(h.history(b.key()))
          .as(b.key())
          .singleElement()
          .extracting(AuditRecord::status, AuditRecord::errorType)
          .containsExactly(Status.FAILED, b.type());
    }
    assertThat(h.dlq()).hasSize(3);
  }

  /**
   * The hostile file: a small PDF whose one page draws 200 million glyphs. Under the tests'
   * 256 MB heap it fails alone, with its reason, long before it could take the memory.
   */
  @Test
  void aSmallPdfThatAsksForHundredsOfMillionsOfGlyphsIsRefusedNotRunOutOfMemory() throws Exception {
    byte[] bomb = dev.s3proc.core.testing.HostileFiles.glyphBombPdf(200_000_000L);
    assertThat(bomb.length).isLessThan(1_000_000);
    String key = "uploads/documents/glyph-bomb.pdf";
    var response =
        h.invoke(
            new DocumentHandler(h.env(true)),
            h.event("sqs-moto-s3-event.json", key, bomb.length, h.put(key, bomb)));
    assertThat(response.path("batchItemFailures")).isEmpty();
    AuditRecord r = h.history(key).get(0);
    assertThat(r.errorType()).isEqualTo("TOO_LARGE");
    assertThat(r.errorMessage()).contains("page 1 draws more than 500000 glyphs");
    assertThat(h.dlq()).hasSize(1);
  }

  @Test
  void theFirstPageIsPreviewedAsAPngOfTheConfiguredWidth() throws Exception {
    String key = "uploads/documents/letter.pdf";
    byte[] pdf = Pdfs.document(2, "Letter", "Ops", null);
    h.invoke(
        new DocumentHandler(HandlerHarness.with(h.env(true), "PREVIEW_PAGES", "2")),
        h.event("sqs-moto-s3-event.json", key, pdf.length, h.put(key, pdf)));
    for (int p = 1; p <= 2; p++) {
      var png =
          javax.imageio.ImageIO.read(
              new java.io.ByteArrayInputStream(
                  h.get("processed/previews/uploads/documents/letter.pdf/p" + p + ".png")));
      assertThat(png.getWidth()).isEqualTo(1024);
      assertThat(png.getHeight()).isEqualTo(1325); // US Letter: 612 x 792 points
    }
  }

  /** A page past PDF's size limit, or one that draws too much, is not previewed: its text is. */
  @Test
  void aPageTooLargeOrTooBusyToDrawIsNotPreviewedButItsTextIsKept() throws Exception {
    DocumentHandler handler =
        new DocumentHandler(HandlerHarness.with(h.env(true), "PREVIEW_MAX_OPERATORS", "2000"));
    record Case(String key, byte[] pdf, String note) {}
    for (Case c :
        List.of(
            new Case(
                "uploads/documents/poster.pdf",
                Pdfs.page(20_000, 0),
                "is 20000x20000 points, past PDF's limit of 14400"),
            new Case(
                "uploads/documents/busy.pdf",
                Pdfs.page(600, 5_000),
                "draws more than 2000 operations"))) {
      var response =
          h.invoke(
              handler,
              h.event("sqs-moto-s3-event.json", c.key(), c.pdf().length, h.put(c.key(), c.pdf())));
      assertThat(response.path("batchItemFailures")).isEmpty();
      AuditRecord r = h.history(c.key()).get(0);
      assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
      assertThat(r.metadata()).containsEntry("previews", "0");
      assertThat(r.metadata().get("note")).contains(c.note());
      assertThat(new String(h.get("processed/text/" + c.key() + ".txt"), StandardCharsets.UTF_8))
          .contains("A poster that is large indeed");
    }
  }

  /** The warm-up runs the processing libraries on made-up input; a broken one slows every start. */
  @Test
  void warmUpRunsTheProcessorCleanly() {
    org.assertj.core.api.Assertions.assertThatCode(
            () -> new DocumentHandler.DocumentProcessor(java.util.Map.of()).warmUp())
        .doesNotThrowAnyException();
  }
}
