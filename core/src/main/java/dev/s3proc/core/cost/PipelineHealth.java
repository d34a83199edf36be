package dev.s3proc.core.cost;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether the pipeline is healthy over a window, and if not, which targets it misses: per workflow,
 * the files, success rate, upload-to-done latency and cost per file; per queue, its depth, oldest
 * message and dead letters; the alarms firing. The answer of {@code s3proc status}, and the JSON
 * contract of its {@code -o json}.
 *
 * @param missed one sentence per missed target, empty when healthy
 * @param notes what could not be read (CloudWatch data an emulator does not have), which is not a
 *     missed target
 */
public record PipelineHealth(
    String pipeline,
    Instant since,
    Instant until,
    boolean healthy,
    List<Workflow> workflows,
    Workflow overall,
    List<QueueState> queues,
    List<String> alarmsInAlarm,
    BigDecimal budgetPerFile,
    List<String> missed,
    List<String> notes) {

  /** One workflow (the rule that routed the files) over the window. */
  public record Workflow(
      String name,
      String target,
      long files,
      long succeeded,
      long failed,
      long inProgress,
      double successRate,
      Long latencyP50Ms,
      Long latencyP99Ms,
      BigDecimal costPerFile) {}

  /**
   * One queue a processor consumes, as SQS reports it now.
   *
   * @param oldestAgeSeconds from CloudWatch (SQS has no API for it); null without data
   */
  public record QueueState(
      String name,
      boolean exists,
      long visible,
      long inFlight,
      Long oldestAgeSeconds,
      String dlq,
      Long dlqDepth) {}

  /**
   * Sets the window's figures against the targets: upload-to-done p99 within 30 s, success over
   * 99.5 %, cost per file within the budget, no alarm in ALARM, every queue in place.
   *
   * @param workflowPrefix the prefix of the pipeline's notification ids, taken off workflow names
   * @param targets the queue or topic each workflow (rule id) routes to
   */
  public static PipelineHealth of(
      String pipeline,
      String workflowPrefix,
      Map<String, String> targets,
      AuditStats stats,
      CostReport cost,
      List<QueueState> queues,
      List<String> alarmsInAlarm,
      BigDecimal budgetPerFile,
      List<String> notes) {
    List<Workflow> workflows = new ArrayList<>();
    for (AuditStats.Summary s : stats.byWorkflow()) {
      String name =
          s.workflow().startsWith(workflowPrefix)
              ? s.workflow().substring(workflowPrefix.length())
              : s.workflow();
      BigDecimal perFile =
          cost.groups().stream()
              .filter(g -> g.name().equals(s.workflow()))
              .map(CostReport.Group::meanCostPerFile)
              .findFirst()
              .orElse(null);
      workflows.add(workflow(name, targets.get(name), s, perFile));
    }
    Workflow overall =
        workflow("all", null, stats.overall(), cost.files() == 0 ? null : cost.meanCostPerFile());

    List<String> missed = new ArrayList<>();
    if (overall.latencyP99Ms() != null && overall.latencyP99Ms() > AuditStats.LATENCY_TARGET_MS) {
      missed.add(
          String.format(
              "upload-to-done p99 %.1f s is over the 30 s target%s",
              overall.latencyP99Ms() / 1000.0,
              worst(
                  workflows,
                  w ->
                      w.latencyP99Ms() != null
                          && w.latencyP99Ms() > AuditStats.LATENCY_TARGET_MS)));
    }
    if (overall.succeeded() + overall.failed() > 0
        && overall.successRate() < AuditStats.SUCCESS_TARGET) {
      missed.add(
          String.format(
              "success %.2f %% is under the 99.5 %% target%s: see s3proc audit list --status FAILED",
              overall.successRate(),
              worst(
                  workflows,
                  w ->
                      w.succeeded() + w.failed() > 0
                          && w.successRate() < AuditStats.SUCCESS_TARGET)));
    }
    if (budgetPerFile != null
        && overall.costPerFile() != null
        && overall.costPerFile().compareTo(budgetPerFile) > 0) {
      missed.add(
          "cost per file $"
              + overall.costPerFile().toPlainString()
              + " is over the budget of $"
              + budgetPerFile.toPlainString()
              + ": see s3proc cost report");
    }
    if (!alarmsInAlarm.isEmpty()) {
      missed.add(
          alarmsInAlarm.size()
              + " alarm"
              + (alarmsInAlarm.size() == 1 ? "" : "s")
              + " in ALARM: "
              + String.join(", ", alarmsInAlarm));
    }
    for (QueueState q : queues) {
      if (!q.exists()) {
        missed.add("queue " + q.name() + " does not exist: run s3proc rules apply");
      }
    }
    return new PipelineHealth(
        pipeline,
        stats.since(),
        stats.until(),
        missed.isEmpty(),
        workflows,
        overall,
        queues,
        alarmsInAlarm,
        budgetPerFile,
        missed,
        notes);
  }

  private static Workflow workflow(
      String name, String target, AuditStats.Summary s, BigDecimal costPerFile) {
    return new Workflow(
        name,
        target,
        s.files(),
        s.succeeded(),
        s.failed(),
        s.inProgress(),
        s.successRate(),
        s.latencyP50Ms(),
        s.latencyP99Ms(),
        costPerFile);
  }

  private static String worst(
      List<Workflow> workflows, java.util.function.Predicate<Workflow> missing) {
    List<String> names = workflows.stream().filter(missing).map(Workflow::name).toList();
    return names.isEmpty() ? "" : " (" + String.join(", ", names) + ")";
  }
}
