package dev.s3proc.core.audit;

import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.ComplianceTally.Answer;
import dev.s3proc.core.audit.ComplianceTally.Tally;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What the subscribers' answers make of an upload. {@code NON_COMPLIANT} as soon as one of them
 * found a problem, whatever the others say: a virus ({@code INFECTED}), personal data or secrets
 * ({@code FOUND}), or a rejection of the file for what it is (its content is not what its name
 * says, it is empty or over the size limit). Otherwise {@code INCOMPLETE} while a subscriber has no
 * verdict (it failed, and the file is in its DLQ), and {@code COMPLIANT} when every one succeeded.
 *
 * @param reasons one line per subscriber that made the verdict what it is
 */
public record ComplianceVerdict(Status status, List<String> reasons) {
  /** The processor name compliance reports are recorded under in the trail. */
  public static final String PROCESSOR = "compliance";

  /** Processors' verdicts that are findings. */
  public static final Set<String> FINDINGS = Set.of("INFECTED", "FOUND");

  /** Failures that are a verdict on the file rather than a failure to reach one. */
  public static final Set<String> REJECTIONS = Set.of("TYPE_MISMATCH", "EMPTY", "TOO_LARGE");

  public static ComplianceVerdict of(Tally tally) {
    List<String> findings = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String p : tally.expected()) {
      Answer a = tally.answers().get(p);
      if (a == null) {
        missing.add(p + ": no answer yet");
      } else if (a.succeeded() && a.verdict() != null && FINDINGS.contains(a.verdict())) {
        findings.add(p + ": " + a.verdict() + detail(a));
      } else if (!a.succeeded() && REJECTIONS.contains(a.errorType())) {
        findings.add(p + ": " + a.errorType() + detail(a));
      } else if (!a.succeeded()) {
        missing.add(p + ": FAILED " + a.errorType() + detail(a));
      }
    }
    if (!findings.isEmpty()) {
      return new ComplianceVerdict(Status.NON_COMPLIANT, findings);
    }
    if (!missing.isEmpty()) {
      return new ComplianceVerdict(Status.INCOMPLETE, missing);
    }
    return new ComplianceVerdict(Status.COMPLIANT, List.of());
  }

  private static String detail(Answer a) {
    String d = a.details().getOrDefault("signature", a.details().getOrDefault("error", summary(a)));
    return d == null || d.isBlank() ? "" : " (" + d + ")";
  }

  /** For personal data: the counts per type ({@code 3 EMAIL, 1 CARD}). */
  private static String summary(Answer a) {
    List<String> counts = new ArrayList<>();
    new java.util.TreeMap<>(a.details()) // by type, whatever order the details came in
        .forEach(
            (k, v) -> {
              if (k.startsWith("pii.")) {
                counts.add(v + " " + k.substring(4));
              }
            });
    return String.join(", ", counts);
  }
}
