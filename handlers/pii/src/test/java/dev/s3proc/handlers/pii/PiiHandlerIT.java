package dev.s3proc.handlers.pii;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pii handler on moto: what the trail and the report say, and what they never say. */
class PiiHandlerIT {
  static final String OUTPUTS = "terminus-processed";
  HandlerHarness h;
  PiiHandler handler;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
    h.s3.createBucket(r -> r.bucket(OUTPUTS));
    Map<String, String> env = new java.util.HashMap<>(h.env(true));
    env.put("OUTPUT_BUCKET", OUTPUTS);
    handler = new PiiHandler(env);
  }

  @Test
  void aCsvWithPersonalDataIsCountedAndReportedMaskedNeverVerbatim() throws Exception {
    String csv =
        "id,name,email,phone,card\n"
            + "1,Ada,ada@example.com,(212) 736-5000,4242 4242 4242 4242\n"
            + "2,Bo,,+44 20 7219 3000,\n"
            + "3,Cy,cy@example.org,,order 2026-000123\n";
    String key = "uploads/compliance/customers 2026.csv";
    // through the compliance topic: SNS's envelope around the S3 event, as a subscriber gets it
    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    h.invoke(handler, h.event("sqs-sns-wrapped.json", key, bytes.length, h.put(key, bytes)));

    AuditRecord r = h.history(key).get(0);
    assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
    assertThat(r.processor()).isEqualTo("pii");
    assertThat(r.metadata())
        .containsEntry("piiVerdict", "FOUND")
        .containsEntry("piiFindings", "5")
        .containsEntry("pii.EMAIL", "2")
        .containsEntry("pii.PHONE", "2")
        .containsEntry("pii.CARD", "1")
        .doesNotContainKey("pii.SSN");
    String reportKey = "processed/pii/uploads/compliance/customers 2026.csv.json"; // default prefix
    assertThat(r.outputs()).containsExactly("s3://" + OUTPUTS + "/" + reportKey);
    String report = h.s3.getObjectAsBytes(b -> b.bucket(OUTPUTS).key(reportKey)).asUtf8String();
    JsonNode json = new ObjectMapper().readTree(report);
    assertThat(json.path("counts").path("EMAIL").asInt()).isEqualTo(2);
    assertThat(json.path("findings").get(0).path("line").asInt()).isEqualTo(2);
    assertThat(report)
        .as("masked forms only: never a value")
        .contains("****4242", "a***@example.com")
        .doesNotContain("4242 4242 4242 4242", "ada@example.com", "736-5000", "7219 3000");
  }

  @Test
  void cleanTextIsNoneAndWhatIsNotTextFailsWithItsReason() throws Exception {
    String clean = "uploads/compliance/notes.txt";
    byte[] text =
        "Shipment 4155552671 left 2026-11-30 12:30:45 from dock 7.\n"
            .getBytes(StandardCharsets.UTF_8);
    h.invoke(handler, h.event("sqs-moto-s3-event.json", clean, text.length, h.put(clean, text)));
    assertThat(h.history(clean).get(0).metadata())
        .containsEntry("piiVerdict", "NONE")
        .containsEntry("piiFindings", "0");

    String binary = "uploads/compliance/blob.bin";
    byte[] bytes = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3};
    h.invoke(
        handler, h.event("sqs-moto-s3-event.json", binary, bytes.length, h.put(binary, bytes)));
    assertThat(h.history(binary).get(0))
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(Status.FAILED);
              assertThat(r.errorType()).isEqualTo("UNSUPPORTED");
              assertThat(r.errorMessage()).contains("not UTF-8 text");
            });

    String pdf = "uploads/compliance/statement.pdf";
    byte[] doc = "%PDF-1.7\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);
    h.invoke(handler, h.event("sqs-moto-s3-event.json", pdf, doc.length, h.put(pdf, doc)));
    assertThat(h.history(pdf).get(0).errorType()).isEqualTo("CORRUPT");

    String empty = "uploads/compliance/empty.txt";
    h.invoke(handler, h.event("sqs-moto-s3-event.json", empty, 0, h.put(empty, new byte[0])));
    assertThat(h.history(empty).get(0).errorType()).isEqualTo("EMPTY");
    assertThat(h.dlq()).hasSize(3);
  }

  /**
   * A PDF's text is read through the document processor's extractor, and each finding placed by
   * page and line; an encrypted PDF is a clear failure, never a silent NONE.
   */
  @Test
  void personalDataInAPdfIsFoundByPageAndAnEncryptedPdfIsRefused() throws Exception {
    String key = "uploads/compliance/claim form.pdf";
    byte[] pdf =
        pdf(
            null,
            "Claim 2026-000451: nothing personal on this page.",
            "Contact: jane.doe@example.com, card 5555 5555 5555 4444, SSN 123-45-6789");
    h.invoke(handler, h.event("sqs-moto-s3-event.json", key, pdf.length, h.put(key, pdf)));
    AuditRecord r = h.history(key).get(0);
    assertThat(r.status()).as(String.valueOf(r.errorMessage())).isEqualTo(Status.SUCCEEDED);
    assertThat(r.metadata())
        .containsEntry("piiVerdict", "FOUND")
        .containsEntry("pii.EMAIL", "1")
        .containsEntry("pii.CARD", "1")
        .containsEntry("pii.SSN", "1")
        .doesNotContainKey("pii.PHONE");
    String report =
        h.s3
            .getObjectAsBytes(
                b -> b.bucket(OUTPUTS).key("processed/pii/uploads/compliance/claim form.pdf.json"))
            .asUtf8String();
    JsonNode json = new ObjectMapper().readTree(report);
    for (JsonNode f : json.path("findings")) {
      assertThat(f.path("page").asInt()).as(f.toString()).isEqualTo(2);
    }
    assertThat(report).doesNotContain("jane.doe", "5555 5555", "123-45-6789");

    String locked = "uploads/compliance/locked.pdf";
    byte[] secret = pdf("user-pass", "SSN 123-45-6789");
    h.invoke(
        handler, h.event("sqs-moto-s3-event.json", locked, secret.length, h.put(locked, secret)));
    assertThat(h.history(locked).get(0))
        .satisfies(
            f -> {
              assertThat(f.status()).isEqualTo(Status.FAILED);
              assertThat(f.errorType()).isEqualTo("ENCRYPTED");
            });
  }

  /** A PDF made here with PDFBox: one page per text, optionally encrypted. */
  static byte[] pdf(String userPassword, String... pages) throws java.io.IOException {
    try (org.apache.pdfbox.pdmodel.PDDocument doc = new org.apache.pdfbox.pdmodel.PDDocument()) {
      var font =
          new org.apache.pdfbox.pdmodel.font.PDType1Font(
              org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA);
      for (String text : pages) {
        var page = new org.apache.pdfbox.pdmodel.PDPage();
        doc.addPage(page);
        try (var cs = new org.apache.pdfbox.pdmodel.PDPageContentStream(doc, page)) {
          cs.beginText();
          cs.setFont(font, 11);
          cs.newLineAtOffset(72, 700);
          cs.showText(text);
          cs.endText();
        }
      }
      if (userPassword != null) {
        var policy =
            new org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy(
                "owner-secret",
                userPassword,
                new org.apache.pdfbox.pdmodel.encryption.AccessPermission());
        policy.setEncryptionKeyLength(128);
        doc.protect(policy);
      }
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      doc.save(out);
      return out.toByteArray();
    }
  }

  @Test
  void warmUpRunsTheProcessorCleanly() {
    org.assertj.core.api.Assertions.assertThatCode(() -> new PiiHandler.PiiProcessor().warmUp())
        .doesNotThrowAnyException();
  }
}
