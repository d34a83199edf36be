package dev.s3proc.core.cost;

import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the pipeline did over a window, per file: count, success rate, upload-to-done latency and
 * attempts, overall and by workflow, against the seed's targets (done within 30 s, over 99.5 %
 * success).
 */
public record AuditStats(
    Instant since,
    Instant until,
    Summary overall,
    List<Summary> byWorkflow,
    Targets targets,
    Compliance compliance) {
  public static final long LATENCY_TARGET_MS = 30_000;
  public static final double SUCCESS_TARGET = 99.5;

  /**
   * @param successRate percent of files whose outcome is known (succeeded or failed) that succeeded
   * @param latencyP99Ms upload (event time) to the end of the first successful attempt
   */
  public record Summary(
      String workflow,
      long files,
      long attempts,
      long succeeded,
      long failed,
      long inProgress,
      double successRate,
      Long latencyP50Ms,
      Long latencyP95Ms,
      Long latencyP99Ms,
      Long latencyMaxMs,
      double attemptsPerFile,
      int maxAttempts) {}

  /**
   * Compliance reports in the window: each upload counted once, by its latest report (a redrive
   * that completes an INCOMPLETE one makes it COMPLIANT or NON_COMPLIANT).
   */
  public record Compliance(long reports, long compliant, long nonCompliant, long incomplete) {}

  public record Targets(
      long latencyTargetMs, boolean latencyMet, double successTarget, boolean successMet) {}

  public static AuditStats of(List<AuditRecord> attempts, Instant since, Instant until) {
    Compliance compliance = compliance(attempts);
    Map<String, List<AuditRecord>> byFile = new LinkedHashMap<>();
    for (AuditRecord r : attempts) {
      byFile
          .computeIfAbsent(r.bucket() + "/" + r.key() + "#" + r.versionId(), k -> new ArrayList<>())
          .add(r);
    }
    // an object with only a removal or a recorded event in the window was not processed in it
    byFile.values().removeIf(file -> file.stream().noneMatch(AuditRecord::processed));
    Map<String, List<List<AuditRecord>>> byWorkflow = new TreeMap<>();
    for (List<AuditRecord> file : byFile.values()) {
      String w =
          file.stream()
              .map(AuditRecord::workflow)
              .filter(x -> x != null)
              .findFirst()
              .orElse("(none)");
      byWorkflow.computeIfAbsent(w, k -> new ArrayList<>()).add(file);
    }
    Summary overall = summarize("all", new ArrayList<>(byFile.values()));
    List<Summary> workflows = new ArrayList<>();
    byWorkflow.forEach((w, files) -> workflows.add(summarize(w, files)));
    Targets targets =
        new Targets(
            LATENCY_TARGET_MS,
            overall.latencyP99Ms() == null || overall.latencyP99Ms() <= LATENCY_TARGET_MS,
            SUCCESS_TARGET,
            overall.files() == 0 || overall.successRate() >= SUCCESS_TARGET);
    return new AuditStats(since, until, overall, workflows, targets, compliance);
  }

  private static Compliance compliance(List<AuditRecord> records) {
    Map<String, AuditRecord> latest = new LinkedHashMap<>();
    for (AuditRecord r : records) {
      if (r.status().report()) {
        latest.merge(
            r.bucket() + "/" + r.key() + "#" + r.versionId(),
            r,
            (a, b) -> a.startedAt().isAfter(b.startedAt()) ? a : b);
      }
    }
    long compliant = 0;
    long nonCompliant = 0;
    long incomplete = 0;
    for (AuditRecord r : latest.values()) {
      switch (r.status()) {
        case COMPLIANT -> compliant++;
        case NON_COMPLIANT -> nonCompliant++;
        default -> incomplete++;
      }
    }
    return new Compliance(latest.size(), compliant, nonCompliant, incomplete);
  }

  private static Summary summarize(String workflow, List<List<AuditRecord>> files) {
    long attempts = 0;
    long succeeded = 0;
    long failed = 0;
    long inProgress = 0;
    int maxAttempts = 0;
    List<Long> latencies = new ArrayList<>();
    for (List<AuditRecord> file : files) {
      long real = file.stream().filter(AuditRecord::processed).count();
      attempts += real;
      maxAttempts = (int) Math.max(maxAttempts, real);
      AuditRecord success =
          file.stream()
              .filter(r -> r.status() == Status.SUCCEEDED)
              .min(java.util.Comparator.comparing(AuditRecord::startedAt))
              .orElse(null);
      if (success != null) {
        succeeded++;
        if (success.latencyMs() != null) {
          latencies.add(success.latencyMs());
        }
      } else if (file.stream()
          .filter(AuditRecord::processed)
          .max(java.util.Comparator.comparing(AuditRecord::startedAt))
          .map(r -> r.status() == Status.FAILED)
          .orElse(false)) {
        failed++; // its latest attempt failed; one still running is in progress
      } else {
        inProgress++;
      }
    }
    latencies.sort(Long::compare);
    long known = succeeded + failed;
    return new Summary(
        workflow,
        files.size(),
        attempts,
        succeeded,
        failed,
        inProgress,
        known == 0 ? 100.0 : 100.0 * succeeded / known,
        Percentiles.of(latencies, 50),
        Percentiles.of(latencies, 95),
        Percentiles.of(latencies, 99),
        latencies.isEmpty() ? null : latencies.get(latencies.size() - 1),
        files.isEmpty() ? 0 : (double) attempts / files.size(),
        maxAttempts);
  }
}
