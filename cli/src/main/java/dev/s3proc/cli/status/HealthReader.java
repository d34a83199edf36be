package dev.s3proc.cli.status;

import dev.s3proc.cli.audit.AuditReader;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.rules.LiveStateReader;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.cost.AuditStats;
import dev.s3proc.core.cost.CostModel;
import dev.s3proc.core.cost.CostReport;
import dev.s3proc.core.cost.PipelineHealth;
import dev.s3proc.core.cost.PipelineHealth.QueueState;
import dev.s3proc.core.cost.Pricing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Reads what {@code status} shows, and no more: the window from the trail's time index (never a
 * Scan), each queue's and DLQ's attributes, the pipeline's alarms in ALARM, and each queue's oldest
 * message age from CloudWatch (SQS has no API for it).
 */
final class HealthReader {
  private final ClientFactory clients;

  HealthReader(ClientFactory clients) {
    this.clients = clients;
  }

  PipelineHealth read(PipelineConfig config, Pricing prices, Instant since, Instant until) {
    List<String> notes = new ArrayList<>();
    List<AuditRecord> attempts =
        new AuditReader(clients, config.audit().table()).window(since, until, n -> {});
    AuditStats stats = AuditStats.of(attempts, since, until);
    CostReport cost =
        CostReport.build(
            attempts, new CostModel(prices), since, until, CostReport.By.workflow, prices.region());
    Map<String, String> targets = new LinkedHashMap<>();
    config
        .buckets()
        .forEach(
            b ->
                b.rules()
                    .forEach(
                        r -> targets.put(r.id(), r.target().type().key + " " + r.target().ref())));
    List<QueueState> queues = new ArrayList<>();
    boolean ageUnknown = false;
    for (PipelineConfig.Queue q : config.queues().values()) {
      QueueState s = queue(q);
      queues.add(s);
      ageUnknown |= s.exists() && s.oldestAgeSeconds() == null;
    }
    if (ageUnknown) {
      notes.add(
          "oldest-message age: CloudWatch has no AWS/SQS data for some queues (an emulator has"
              + " none)");
    }
    List<String> alarms = new ArrayList<>();
    try {
      clients
          .cloudWatch()
          .describeAlarmsPaginator(
              r ->
                  r.alarmNamePrefix(LiveStateReader.Names.alarmPrefix(config.pipeline()))
                      .stateValue(StateValue.ALARM))
          .metricAlarms()
          .stream()
          .filter(a -> a.stateValue() == StateValue.ALARM) // moto ignores StateValue with a prefix
          .forEach(a -> alarms.add(a.alarmName()));
    } catch (SdkException e) {
      notes.add("alarms could not be read: " + e.getMessage());
    }
    return PipelineHealth.of(
        config.pipeline(),
        config.ownedIdPrefix(),
        targets,
        stats,
        cost,
        queues,
        alarms,
        config.budget().costPerFile(),
        notes);
  }

  private QueueState queue(PipelineConfig.Queue q) {
    Map<QueueAttributeName, String> a = attributes(q.name());
    if (a == null) {
      return new QueueState(q.name(), false, 0, 0, null, dlqName(q), null);
    }
    Long dlqDepth = null;
    if (dlqName(q) != null) {
      Map<QueueAttributeName, String> d = attributes(dlqName(q));
      dlqDepth = d == null ? null : number(d, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    }
    return new QueueState(
        q.name(),
        true,
        number(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
        number(a, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
        oldestAge(q.name()),
        dlqName(q),
        dlqDepth);
  }

  private static String dlqName(PipelineConfig.Queue q) {
    return q.dlq() == null ? null : q.dlq().name();
  }

  /** The queue's attributes, or null when it does not exist. */
  private Map<QueueAttributeName, String> attributes(String name) {
    try {
      String url = clients.sqs().getQueueUrl(r -> r.queueName(name)).queueUrl();
      return clients
          .sqs()
          .getQueueAttributes(
              r ->
                  r.queueUrl(url)
                      .attributeNames(
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                          QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
          .attributes();
    } catch (QueueDoesNotExistException e) {
      return null;
    }
  }

  private static long number(Map<QueueAttributeName, String> a, QueueAttributeName name) {
    String v = a.get(name);
    return v == null ? 0 : Long.parseLong(v);
  }

  /** The latest ApproximateAgeOfOldestMessage of the last 5 minutes, or null without data. */
  private Long oldestAge(String queue) {
    Instant now = Instant.now();
    try {
      return clients
          .cloudWatch()
          .getMetricStatistics(
              r ->
                  r.namespace("AWS/SQS")
                      .metricName("ApproximateAgeOfOldestMessage")
                      .dimensions(d -> d.name("QueueName").value(queue))
                      .startTime(now.minus(Duration.ofMinutes(5)))
                      .endTime(now)
                      .period(60)
                      .statistics(Statistic.MAXIMUM))
          .datapoints()
          .stream()
          .max(Comparator.comparing(Datapoint::timestamp))
          .map(p -> p.maximum().longValue())
          .orElse(null);
    } catch (SdkException e) {
      return null;
    }
  }
}
