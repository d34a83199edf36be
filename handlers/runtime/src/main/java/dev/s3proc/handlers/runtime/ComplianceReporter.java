package dev.s3proc.handlers.runtime;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.audit.ComplianceTally;
import dev.s3proc.core.audit.ComplianceTally.Answer;
import dev.s3proc.core.audit.ComplianceTally.Tally;
import dev.s3proc.core.audit.ComplianceVerdict;
import dev.s3proc.core.config.OutputKeys;
import dev.s3proc.core.event.S3ObjectEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A subscriber of a reporting fan-out topic (REPORT_SUBSCRIBERS names the processors of all its
 * subscribers) answers for each upload it settles, for good: SUCCEEDED with its verdict, or FAILED
 * on the delivery that dead-letters it. The answer whose conditional update completes the tally
 * writes the upload's compliance report, {@code compliance/<KEY>.json} in the output location, and
 * records its verdict in the trail (processor {@code compliance}, status COMPLIANT, NON_COMPLIANT
 * or INCOMPLETE) and on the results topic. When a subscriber found a virus, what the others wrote
 * for the upload is deleted first: no output of an infected file stays published.
 *
 * <p>The answer is written before the attempt settles its claim: a process killed in between leaves
 * a claim that the retry takes over, and the retry answers again (replacing, not counting twice),
 * so no report is lost to a crash.
 */
final class ComplianceReporter {
  private final S3Client s3;
  private final ComplianceTally tally;
  private final AuditTrail trail;
  private final HandlerConfig config;
  private final String processor;
  private final List<String> subscribers;

  ComplianceReporter(
      S3Client s3,
      ComplianceTally tally,
      AuditTrail trail,
      HandlerConfig config,
      String processor) {
    this.s3 = s3;
    this.tally = tally;
    this.trail = trail;
    this.config = config;
    this.processor = processor;
    String names = config.get("REPORT_SUBSCRIBERS", "");
    this.subscribers =
        Arrays.stream(names.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Whether this processor answers for compliance reports. */
  boolean enabled() {
    return subscribers.contains(processor);
  }

  /** Whether this processor's outcomes go into reports, and this one is final. */
  boolean answers(AuditRecord outcome) {
    return enabled()
        && outcome != null
        && (outcome.status() == Status.SUCCEEDED
            || (outcome.status() == Status.FAILED && !outcome.retrying()));
  }

  /**
   * Answers for the upload; when the answer completes the tally, writes the report and returns its
   * record (to be announced), else null.
   */
  AuditRecord answer(S3ObjectEvent event, AuditRecord outcome) {
    boolean ok = outcome.status() == Status.SUCCEEDED;
    Map<String, String> details = new LinkedHashMap<>();
    if (ok) {
      outcome.metadata().forEach((k, v) -> details.put(k, v));
    } else if (outcome.errorMessage() != null) {
      details.put("error", outcome.errorMessage());
    }
    Answer mine =
        new Answer(
            processor,
            outcome.status().name(),
            ok ? verdict(outcome.metadata()) : null,
            outcome.errorType(),
            outcome.attemptId(),
            Instant.now(),
            details,
            outcome.outputs());
    Tally t =
        tally.answer(
            event.bucket(),
            event.key(),
            event.versionId(),
            event.idempotencyToken(),
            subscribers,
            mine);
    if (!t.complete()) {
      return null;
    }
    ComplianceVerdict verdict = ComplianceVerdict.of(t);
    List<String> withdrawn = infected(t) ? withdraw(t) : List.of();
    String reportKey = config.outputPrefix() + OutputKeys.compliance(event.key());
    String bucket = config.outputBucket(event.bucket());
    byte[] body = report(event, outcome, verdict, t, withdrawn);
    s3.putObject(
        r -> r.bucket(bucket).key(reportKey).contentType("application/json"),
        RequestBody.fromBytes(body));
    AuditRecord record = record(outcome, verdict, t, "s3://" + bucket + "/" + reportKey, body);
    trail.put(record);
    return record;
  }

  /** The processor's verdict: the value of its metadata entry named {@code <something>Verdict}. */
  static String verdict(Map<String, String> metadata) {
    return metadata.entrySet().stream()
        .filter(e -> e.getKey().endsWith("Verdict"))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse("OK");
  }

  private static boolean infected(Tally t) {
    return t.answers().values().stream().anyMatch(a -> "INFECTED".equals(a.verdict()));
  }

  /** Deletes what the subscribers wrote for an infected upload, inside the output location. */
  private List<String> withdraw(Tally t) {
    List<String> withdrawn = new ArrayList<>();
    for (Answer a : t.answers().values()) {
      for (String uri : a.outputs()) {
        String bucket = uri.replaceFirst("^s3://([^/]+)/.*$", "$1");
        String key = uri.replaceFirst("^s3://[^/]+/", "");
        if (key.startsWith(config.outputPrefix())) {
          s3.deleteObject(r -> r.bucket(bucket).key(key));
          withdrawn.add(uri);
        }
      }
    }
    return withdrawn;
  }

  private static byte[] report(
      S3ObjectEvent event,
      AuditRecord outcome,
      ComplianceVerdict verdict,
      Tally t,
      List<String> withdrawn) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("bucket", event.bucket());
    r.put("key", event.key());
    if (event.versionId() != null) {
      r.put("versionId", event.versionId());
    }
    r.put("eTag", event.eTag());
    r.put("size", event.size());
    r.put("eventTime", event.eventTime() == null ? null : event.eventTime().toString());
    r.put("rule", outcome.workflow());
    r.put("verdict", verdict.status().name());
    r.put("reasons", verdict.reasons());
    r.put("decidedAt", Instant.now().toString());
    Map<String, Object> subscribers = new LinkedHashMap<>();
    for (String p : t.expected()) {
      Answer a = t.answers().get(p);
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("status", a.status());
      if (a.verdict() != null) {
        s.put("verdict", a.verdict());
      }
      if (a.errorType() != null) {
        s.put("errorType", a.errorType());
      }
      s.put("attemptId", a.attemptId());
      s.put("answeredAt", a.at().toString());
      s.put("details", a.details());
      s.put("outputs", withdrawn.isEmpty() ? a.outputs() : List.of());
      subscribers.put(p, s);
    }
    r.put("subscribers", subscribers);
    if (!withdrawn.isEmpty()) {
      r.put("withdrawn", withdrawn);
    }
    try {
      return JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asBytes(r);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AuditRecord record(
      AuditRecord outcome, ComplianceVerdict verdict, Tally t, String uri, byte[] body) {
    Instant now = Instant.now();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (String p : t.expected()) {
      Answer a = t.answers().get(p);
      metadata.put(p, a.succeeded() ? a.verdict() : "FAILED " + a.errorType());
    }
    Map<String, Long> requests = new LinkedHashMap<>();
    requests.put("dynamoWrite", 1L);
    requests.put("s3Put", 1L);
    return new AuditRecord(
        outcome.bucket(),
        outcome.key(),
        outcome.versionId(),
        outcome.size(),
        outcome.eTag(),
        outcome.eventName(),
        outcome.eventTime(),
        outcome.sequencer(),
        outcome.workflow(),
        ComplianceVerdict.PROCESSOR,
        verdict.status(),
        1,
        UUID.randomUUID().toString(),
        now,
        now,
        0L,
        0L,
        null,
        outcome.architecture(),
        outcome.requestId(),
        List.of(uri),
        null,
        verdict.reasons().isEmpty() ? null : String.join("; ", verdict.reasons()),
        0L,
        (long) body.length,
        requests,
        metadata,
        null,
        null,
        null);
  }
}
