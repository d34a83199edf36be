package dev.s3proc.cli.dlq;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.aws.Parallel;
import dev.s3proc.core.event.S3EventParser;
import dev.s3proc.core.event.S3ObjectEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** Lists dead-letter queues and shows their messages without consuming them. */
public final class DlqInspector {
  private final ClientFactory clients;
  private final QueueDirectory directory;

  public DlqInspector(ClientFactory clients) {
    this.clients = clients;
    this.directory = new QueueDirectory(clients);
  }

  /** One dead-letter queue as {@code dlq list} shows it. */
  public record DlqSummary(
      String name,
      String url,
      long visible,
      long inFlight,
      Long oldestAgeSeconds,
      String oldestAgeFrom,
      List<String> sources,
      String alarm) {}

  public record Listing(List<DlqSummary> queues, String note) {}

  public Listing list() {
    ExecutorService pool = Parallel.pool("s3proc-dlq", 8);
    try {
      // The alarms (a CloudWatch client of their own) are read while SQS lists the queues.
      CompletableFuture<Map<String, String>> alarms =
          CompletableFuture.supplyAsync(this::dlqAlarmStates, pool);
      List<QueueRef> all = directory.all();
      Map<String, List<QueueRef>> sources = QueueDirectory.sourcesByDlqArn(all);
      Map<String, String> alarmStates;
      String note = null;
      try {
        alarmStates = Parallel.join(alarms);
      } catch (SdkException cause) {
        alarmStates = null;
        note =
            "CloudWatch is not reachable ("
                + firstLine(cause.getMessage())
                + "): message ages come from a peek, alarm states are unknown";
      }
      boolean cloudWatch = alarmStates != null;
      Map<String, String> states = cloudWatch ? alarmStates : Map.of();
      List<CompletableFuture<DlqSummary>> summaries = new ArrayList<>();
      for (QueueRef q : all) {
        List<QueueRef> from = sources.get(q.arn());
        if (from != null) {
          summaries.add(
              CompletableFuture.supplyAsync(() -> summary(q, from, cloudWatch, states), pool));
        }
      }
      List<DlqSummary> out = new ArrayList<>(summaries.stream().map(Parallel::join).toList());
      out.sort(java.util.Comparator.comparing(DlqSummary::name));
      return new Listing(out, note);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Queue name to the state of its s3proc depth alarm. */
  private Map<String, String> dlqAlarmStates() {
    Map<String, String> alarms = new LinkedHashMap<>();
    for (MetricAlarm a :
        clients
            .cloudWatch()
            .describeAlarmsPaginator(r -> r.alarmNamePrefix("s3proc."))
            .metricAlarms()) {
      a.dimensions().stream()
          .filter(d -> d.name().equals("QueueName"))
          .findFirst()
          .filter(d -> "ApproximateNumberOfMessagesVisible".equals(a.metricName()))
          .ifPresent(d -> alarms.put(d.value(), a.stateValueAsString()));
    }
    return alarms;
  }

  /**
   * One DLQ's row. An empty queue has no oldest message: CloudWatch is asked only when the queue
   * holds messages (its last datapoints may still show ones already redriven), and a peek only when
   * CloudWatch has no figure.
   */
  private DlqSummary summary(
      QueueRef q, List<QueueRef> from, boolean cloudWatch, Map<String, String> alarms) {
    Long age = null;
    String ageFrom = null;
    if (cloudWatch && q.visible() + q.inFlight() > 0) {
      age = oldestAgeFromCloudWatch(q.name()).orElse(null);
      ageFrom = age == null ? null : "cloudwatch";
    }
    if (age == null && q.visible() > 0) {
      age = oldestAgeFromPeek(q).orElse(null);
      ageFrom = age == null ? null : "peek";
    }
    return new DlqSummary(
        q.name(),
        q.url(),
        q.visible(),
        q.inFlight(),
        age,
        ageFrom,
        from.stream().map(QueueRef::name).sorted().toList(),
        alarms.get(q.name()));
  }

  private Optional<Long> oldestAgeFromCloudWatch(String queue) {
    try {
      Instant now = Instant.now();
      List<Datapoint> points =
          clients
              .cloudWatch()
              .getMetricStatistics(
                  r ->
                      r.namespace("AWS/SQS")
                          .metricName("ApproximateAgeOfOldestMessage")
                          .dimensions(d -> d.name("QueueName").value(queue))
                          .startTime(now.minus(Duration.ofMinutes(15)))
                          .endTime(now)
                          .period(60)
                          .statistics(Statistic.MAXIMUM))
              .datapoints();
      return points.stream()
          .max(java.util.Comparator.comparing(Datapoint::timestamp))
          .map(p -> p.maximum().longValue());
    } catch (SdkException e) {
      return Optional.empty();
    }
  }

  /**
   * The oldest SentTimestamp among up to 10 messages received with a zero visibility timeout, so
   * they stay visible; a sample, not an exact figure, and it adds one to their receive counts.
   */
  private Optional<Long> oldestAgeFromPeek(QueueRef q) {
    List<Message> sample =
        clients
            .sqs()
            .receiveMessage(
                r ->
                    r.queueUrl(q.url())
                        .maxNumberOfMessages(10)
                        .visibilityTimeout(0)
                        .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP))
            .messages();
    return sample.stream()
        .map(m -> m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP))
        .filter(s -> s != null)
        .map(Long::parseLong)
        .min(Long::compare)
        .map(sent -> Math.max(0, (System.currentTimeMillis() - sent) / 1000));
  }

  /**
   * A message as {@code dlq peek} shows it; {@code objects} is empty for a body that is not an S3
   * event.
   */
  public record Peeked(
      String messageId,
      int receiveCount,
      Instant sentAt,
      Instant firstReceivedAt,
      List<S3ObjectEvent> objects,
      String body,
      Map<String, String> messageAttributes,
      String messageGroupId) {}

  /**
   * Up to {@code max} messages, each received and then made visible again at once. Receiving adds
   * one to each message's receive count: SQS has no read-only peek.
   */
  public List<Peeked> peek(QueueRef q, int max) {
    Map<String, Message> seen = new LinkedHashMap<>();
    int emptyPolls = 0;
    while (seen.size() < max && emptyPolls < 2) {
      int want = Math.min(10, max - seen.size());
      List<Message> batch =
          clients
              .sqs()
              .receiveMessage(
                  r ->
                      r.queueUrl(q.url())
                          .maxNumberOfMessages(want)
                          .visibilityTimeout(30)
                          .waitTimeSeconds(seen.isEmpty() ? 1 : 0)
                          .messageSystemAttributeNamesWithStrings("All")
                          .messageAttributeNames("All"))
              .messages();
      int before = seen.size();
      batch.forEach(m -> seen.putIfAbsent(m.messageId(), m));
      emptyPolls = seen.size() == before ? emptyPolls + 1 : 0;
    }
    release(q, new ArrayList<>(seen.values()));
    List<Peeked> out = new ArrayList<>();
    for (Message m : seen.values()) {
      Map<String, String> system = m.attributesAsStrings();
      Map<String, String> attributes = new LinkedHashMap<>();
      m.messageAttributes()
          .forEach(
              (k, v) ->
                  attributes.put(
                      k, v.stringValue() != null ? v.stringValue() : "(" + v.dataType() + ")"));
      out.add(
          new Peeked(
              m.messageId(),
              intOf(system.get("ApproximateReceiveCount")),
              instant(system.get("SentTimestamp")),
              instant(system.get("ApproximateFirstReceiveTimestamp")),
              S3EventParser.parse(m.body()).orElse(List.of()),
              m.body(),
              attributes,
              system.get("MessageGroupId")));
    }
    return out;
  }

  /** Makes received messages visible again at once. */
  void release(QueueRef q, List<Message> messages) {
    for (int i = 0; i < messages.size(); i += 10) {
      List<Message> chunk = messages.subList(i, Math.min(messages.size(), i + 10));
      List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
      for (int j = 0; j < chunk.size(); j++) {
        entries.add(
            ChangeMessageVisibilityBatchRequestEntry.builder()
                .id(Integer.toString(j))
                .receiptHandle(chunk.get(j).receiptHandle())
                .visibilityTimeout(0)
                .build());
      }
      clients.sqs().changeMessageVisibilityBatch(r -> r.queueUrl(q.url()).entries(entries));
    }
  }

  private static int intOf(String s) {
    try {
      return s == null ? 0 : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Instant instant(String epochMillis) {
    try {
      return epochMillis == null ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no answer";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
