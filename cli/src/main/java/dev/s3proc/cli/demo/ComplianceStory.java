package dev.s3proc.cli.demo;

import dev.s3proc.cli.Output;
import dev.s3proc.cli.audit.AuditReader;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.local.LocalRunner;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.config.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The demo's compliance upload: a CSV through the fan-out topic to each subscriber's processor,
 * each verdict as the trail records it; or one line saying why it is skipped.
 */
final class ComplianceStory {
  static final String SAMPLE = "customers.csv";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final ClientFactory clients;
  private final PipelineConfig config;
  private final Output out;
  private final Map<String, String> env;

  ComplianceStory(
      ClientFactory clients, PipelineConfig config, Output out, Map<String, String> env) {
    this.clients = clients;
    this.config = config;
    this.out = out;
    this.env = env;
  }

  /** The rule that fans out to subscribers, or null. */
  PipelineConfig.Rule rule() {
    return config.buckets().stream()
        .flatMap(b -> b.rules().stream())
        .filter(
            r ->
                r.target() != null
                    && r.target().type() == PipelineConfig.TargetType.TOPIC
                    && config.topics().containsKey(r.target().name()))
        .findFirst()
        .orElse(null);
  }

  String skipReason(Path samples) {
    if (rule() == null) {
      return "no rule of the pipeline file targets a topic with subscribers (topics:)";
    }
    if (!Files.isRegularFile(samples.resolve(SAMPLE))) {
      return "the sample " + samples.resolve(SAMPLE) + " is missing";
    }
    return null;
  }

  /** Uploads the sample and prints each subscriber's verdict once all have answered. */
  String run(Path samples, String bucket, AuditReader audit) throws InterruptedException {
    PipelineConfig.Rule rule = rule();
    String key = rule.prefix() + SAMPLE;
    clients
        .s3()
        .putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(samples.resolve(SAMPLE)));
    PipelineConfig.Topic topic = config.topics().get(rule.target().name());
    Set<String> consumed =
        LocalRunner.consumed(config, env).stream()
            .map(PipelineConfig.Queue::name)
            .collect(Collectors.toSet());
    Set<String> processors =
        topic.subscribers().stream()
            .filter(consumed::contains)
            .map(q -> config.queues().get(q).processor())
            .collect(Collectors.toSet());
    Optional<String> scansSkipped = LocalRunner.scansSkipped(config, env);
    Map<String, AuditRecord> verdicts = new LinkedHashMap<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (verdicts.size() < processors.size() && System.nanoTime() < deadline) {
      for (AuditRecord r : audit.history(bucket, key, null)) {
        if ((r.status() == AuditRecord.Status.SUCCEEDED || r.status() == AuditRecord.Status.FAILED)
            && processors.contains(r.processor())) {
          verdicts.putIfAbsent(r.processor(), r);
        }
      }
      Thread.sleep(200);
    }
    for (AuditRecord r : verdicts.values()) {
      out.line("     " + String.format("%-9s", r.processor()) + r.status() + "  " + verdict(r));
    }
    scansSkipped.ifPresent(why -> out.line("     scan     skipped: " + why));
    List<String> missing =
        processors.stream().filter(p -> !verdicts.containsKey(p)).sorted().toList();
    if (!missing.isEmpty()) {
      throw dev.s3proc.cli.S3procException.runtime(
          key
              + " got no answer within "
              + WAIT.toSeconds()
              + " s from "
              + String.join(", ", missing)
              + "; see the runner's log (./s3proc local status)");
    }
    if (topic.report()) {
      report(key, bucket, audit, scansSkipped.isPresent());
    }
    return key;
  }

  /** The compliance report the last subscriber wrote, or why there is none yet. */
  private void report(String key, String bucket, AuditReader audit, boolean scansSkipped)
      throws InterruptedException {
    if (scansSkipped) {
      out.line("     report   pending: written once scan answers too (INCOMPLETE until then)");
      return;
    }
    long deadline = System.nanoTime() + WAIT.toNanos();
    AuditRecord report = null;
    while (report == null && System.nanoTime() < deadline) {
      report =
          audit.history(bucket, key, null).stream()
              .filter(r -> r.status().report())
              .findFirst()
              .orElse(null);
      if (report == null) {
        Thread.sleep(200);
      }
    }
    if (report == null) {
      throw dev.s3proc.cli.S3procException.runtime(
          key + " got no compliance report within " + WAIT.toSeconds() + " s");
    }
    out.line(
        "     report   "
            + report.status()
            + "  "
            + report.outputs().get(0)
            + (report.errorMessage() == null ? "" : " (" + report.errorMessage() + ")"));
  }

  private static String verdict(AuditRecord r) {
    Map<String, String> m = r.metadata();
    if (r.status() == AuditRecord.Status.FAILED) {
      return r.errorType() + ": " + r.errorMessage();
    }
    if (m.containsKey("piiVerdict")) {
      String counts =
          m.entrySet().stream()
              .filter(e -> e.getKey().startsWith("pii."))
              .map(e -> e.getValue() + " " + e.getKey().substring(4))
              .collect(Collectors.joining(", "));
      return m.get("piiVerdict")
          + (counts.isEmpty() ? "" : ": " + counts)
          + (r.outputs().isEmpty() ? "" : "; masked report " + r.outputs().get(0));
    }
    if (m.containsKey("scanVerdict")) {
      return m.get("scanVerdict")
          + (m.containsKey("signature") ? " " + m.get("signature") : "")
          + " ("
          + m.getOrDefault("engine", "?")
          + ")";
    }
    if (m.containsKey("contentType")) {
      return m.get("contentType")
          + ", sha256 "
          + m.getOrDefault("sha256", "?").substring(0, 12)
          + "…";
    }
    return "";
  }
}
