package dev.s3proc.cli.demo;

import dev.s3proc.cli.Output;
import dev.s3proc.cli.audit.AuditReader;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.config.PipelineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.HistoryEventType;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The demo's video: the sample clip through the video workflow (Step Functions on moto), its steps,
 * its renditions and its notification; or one line saying why it is skipped.
 */
final class VideoStory {
  static final String SAMPLE = "test-pattern.mp4";
  private static final Duration WAIT = Duration.ofSeconds(120);

  private final ClientFactory clients;
  private final PipelineConfig config;
  private final Output out;

  VideoStory(ClientFactory clients, PipelineConfig config, Output out) {
    this.clients = clients;
    this.config = config;
    this.out = out;
  }

  /** Returns the line to print as the step's heading, after printing nothing. */
  String skipReason(Path samples, Map<String, String> env) {
    PipelineConfig.Workflow w = config.workflows().get("video");
    if (w == null || rule(w) == null) {
      return "no video workflow in the pipeline file";
    }
    if (!Files.isRegularFile(samples.resolve(SAMPLE))) {
      return "the sample clip " + samples.resolve(SAMPLE) + " is missing";
    }
    for (String dir : env.getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "ffmpeg"))) {
        return null;
      }
    }
    return "ffmpeg is not installed (apt-get install ffmpeg), so nothing would be transcoded";
  }

  private PipelineConfig.WorkflowRule rule(PipelineConfig.Workflow w) {
    return config.buckets().stream()
        .flatMap(b -> b.workflowRules().stream())
        .filter(r -> r.workflow().equals(w.name()))
        .findFirst()
        .orElse(null);
  }

  /** Uploads the clip, waits for its execution, prints what happened. */
  void run(Path samples, String bucket, AuditReader audit, ResultWatch notices)
      throws InterruptedException {
    PipelineConfig.Workflow w = config.workflows().get("video");
    String key = rule(w).prefix() + SAMPLE;
    Instant uploaded = Instant.now();
    clients
        .s3()
        .putObject(r -> r.bucket(bucket).key(key), RequestBody.fromFile(samples.resolve(SAMPLE)));
    String machine =
        clients.sfn().listStateMachines().stateMachines().stream()
            .filter(m -> m.name().equals(w.stateMachineName(config.pipeline())))
            .findFirst()
            .orElseThrow()
            .stateMachineArn();
    ExecutionListItem execution = null;
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (execution == null && System.nanoTime() < deadline) {
      execution =
          clients.sfn().listExecutions(r -> r.stateMachineArn(machine)).executions().stream()
              .filter(e -> e.name().startsWith("test-pattern-mp4"))
              .filter(e -> !e.statusAsString().equals("RUNNING"))
              .findFirst()
              .orElse(null);
      if (execution == null) {
        Thread.sleep(250);
      }
    }
    if (execution == null) {
      out.line("     @|red the execution did not finish within " + WAIT.toSeconds() + " s|@");
      return;
    }
    String arn = execution.executionArn();
    List<String> states =
        clients.sfn().getExecutionHistory(r -> r.executionArn(arn)).events().stream()
            .filter(
                e ->
                    e.type() == HistoryEventType.TASK_STATE_ENTERED
                        || e.type() == HistoryEventType.CHOICE_STATE_ENTERED
                        || e.type() == HistoryEventType.PASS_STATE_ENTERED)
            .map(e -> e.stateEnteredEventDetails().name())
            .toList();
    boolean ok = execution.statusAsString().equals("SUCCEEDED");
    out.line(
        "     execution "
            + execution.name()
            + ": "
            + String.join(" → ", states)
            + "  "
            + (ok ? "@|green SUCCEEDED|@" : "@|red " + execution.statusAsString() + "|@")
            + String.format(
                " in %.1f s after the upload",
                Duration.between(uploaded, execution.stopDate()).toMillis() / 1000.0));
    for (AuditRecord r : audit.history(bucket, key, null)) {
      if (r.processor().equals("video.metadata")) {
        Map<String, String> m = r.metadata();
        out.line(
            "     metadata: "
                + m.get("width")
                + "x"
                + m.get("height")
                + " "
                + m.get("videoCodec")
                + "/"
                + m.get("audioCodec")
                + ", "
                + m.get("frameRate")
                + " fps, "
                + m.get("durationSeconds")
                + " s");
      } else if (r.processor().equals("video.transcode")
          && r.status() == AuditRecord.Status.SUCCEEDED) {
        out.line(
            "     renditions by the transcode step in "
                + r.durationMs()
                + " ms: "
                + r.outputs().stream()
                    .map(o -> o.substring(o.lastIndexOf('/') + 1))
                    .collect(Collectors.joining(", "))
                + " (in s3://"
                + config.outputs().bucketFor(bucket)
                + "/videos/…)");
      }
    }
    if (notices != null) {
      // the queue may still hold the other files' notices: look for the video's
      long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < until) {
        for (Message m : notices.notices(10, Duration.ofSeconds(1))) {
          var attrs = m.messageAttributes();
          if (attrs.containsKey("workflow")
              && "video".equals(attrs.get("workflow").stringValue())) {
            out.line(
                "     notification on "
                    + notices.topic
                    + " from the workflow: status="
                    + attrs.get("status").stringValue()
                    + " workflow=video, with the outputs and the metadata");
            return;
          }
        }
      }
    }
  }
}
