package dev.s3proc.handlers.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.handlers.testing.HandlerHarness;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validate handler on moto, driven by event fixtures. */
class ValidateHandlerIT {
  HandlerHarness h;

  @BeforeEach
  void setUp() {
    h = new HandlerHarness();
  }

  @Test
  void aPdfNamedJpgIsATypeMismatchAndARealPdfPassesWithItsHash() throws Exception {
    byte[] pdf = "%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".getBytes();
    ValidateHandler handler = new ValidateHandler(h.env(true));

    String disguised = "uploads/images/holiday photo.jpg";
    h.invoke(
        handler, h.event("sqs-moto-s3-event.json", disguised, pdf.length, h.put(disguised, pdf)));
    assertThat(h.history(disguised))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(Status.FAILED);
              assertThat(r.errorType()).isEqualTo("TYPE_MISMATCH");
              assertThat(r.errorMessage()).contains("application/pdf", ".jpg");
            });
    assertThat(h.dlq())
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.messageAttributes().get("s3proc-error-type").stringValue())
                    .isEqualTo("TYPE_MISMATCH"));

    String real = "uploads/documents/contract+v2.pdf";
    h.invoke(handler, h.event("sqs-moto-s3-event.json", real, pdf.length, h.put(real, pdf)));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf));
    assertThat(h.history(real))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.status()).isEqualTo(Status.SUCCEEDED);
              assertThat(r.metadata())
                  .containsEntry("sha256", sha)
                  .containsEntry("contentType", "application/pdf");
            });
  }

  /** The warm-up runs the processing libraries on made-up input; a broken one slows every start. */
  @Test
  void warmUpRunsTheProcessorCleanly() {
    org.assertj.core.api.Assertions.assertThatCode(
            () -> new ValidateHandler.ValidateProcessor().warmUp())
        .doesNotThrowAnyException();
  }
}
