package dev.s3proc.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.ComplianceTally.Answer;
import dev.s3proc.core.audit.ComplianceTally.Tally;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the subscribers' answers make of an upload. */
class ComplianceVerdictTest {
  static final List<String> ALL = List.of("scan", "validate", "pii");

  static Answer ok(String processor, String verdict, Map<String, String> details) {
    return new Answer(
        processor, "SUCCEEDED", verdict, null, "a-" + processor, Instant.EPOCH, details, List.of());
  }

  static Answer failed(String processor, String type, String message) {
    return new Answer(
        processor,
        "FAILED",
        null,
        type,
        "a-" + processor,
        Instant.EPOCH,
        Map.of("error", message),
        List.of());
  }

  static ComplianceVerdict of(Answer... answers) {
    Map<String, Answer> m = new LinkedHashMap<>();
    for (Answer a : answers) {
      m.put(a.processor(), a);
    }
    return ComplianceVerdict.of(new Tally(ALL, m));
  }

  @Test
  void everySubscriberCleanIsCompliant() {
    ComplianceVerdict v =
        of(
            ok("scan", "CLEAN", Map.of()),
            ok("validate", "OK", Map.of()),
            ok("pii", "NONE", Map.of()));
    assertThat(v.status()).isEqualTo(Status.COMPLIANT);
    assertThat(v.reasons()).isEmpty();
  }

  @Test
  void aFindingMakesItNonCompliantWhateverTheOthersSay() {
    ComplianceVerdict virus =
        of(
            ok("scan", "INFECTED", Map.of("signature", "Win.Test.EICAR_HDB-1")),
            failed("validate", "GONE", "deleted before it could be read"),
            failed("pii", "TRANSIENT", "throttled"));
    assertThat(virus.status()).isEqualTo(Status.NON_COMPLIANT);
    assertThat(virus.reasons()).containsExactly("scan: INFECTED (Win.Test.EICAR_HDB-1)");

    ComplianceVerdict personal =
        of(
            ok("scan", "CLEAN", Map.of()),
            ok("validate", "OK", Map.of()),
            ok("pii", "FOUND", Map.of("pii.CARD", "1", "pii.EMAIL", "3", "piiFindings", "4")));
    assertThat(personal.status()).isEqualTo(Status.NON_COMPLIANT);
    assertThat(personal.reasons()).containsExactly("pii: FOUND (1 CARD, 3 EMAIL)");
  }

  @Test
  void aRejectionOfTheFileIsAFindingButAFailureToCheckIsIncomplete() {
    ComplianceVerdict mismatch =
        of(
            ok("scan", "CLEAN", Map.of()),
            failed("validate", "TYPE_MISMATCH", "a PNG named .pdf"),
            ok("pii", "NONE", Map.of()));
    assertThat(mismatch.status()).isEqualTo(Status.NON_COMPLIANT);
    assertThat(mismatch.reasons()).containsExactly("validate: TYPE_MISMATCH (a PNG named .pdf)");

    ComplianceVerdict unscanned =
        of(
            failed("scan", "UNSCANNABLE", "encrypted"),
            ok("validate", "OK", Map.of()),
            ok("pii", "NONE", Map.of()));
    assertThat(unscanned.status()).isEqualTo(Status.INCOMPLETE);
    assertThat(unscanned.reasons()).containsExactly("scan: FAILED UNSCANNABLE (encrypted)");
  }

  @Test
  void aSubscriberThatHasNotAnsweredLeavesItIncomplete() {
    ComplianceVerdict v = of(ok("validate", "OK", Map.of()), ok("pii", "NONE", Map.of()));
    assertThat(v.status()).isEqualTo(Status.INCOMPLETE);
    assertThat(v.reasons()).containsExactly("scan: no answer yet");
    assertThat(new Tally(ALL, Map.of()).complete()).isFalse();
  }
}
