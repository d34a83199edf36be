package dev.s3proc.cli.rules;

import dev.s3proc.cli.S3procException;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.rules.LiveState.Notification;
import dev.s3proc.cli.rules.Plan.Change;
import dev.s3proc.core.audit.AuditSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;
import software.amazon.awssdk.services.s3.model.EventBridgeConfiguration;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.NotificationConfigurationFilter;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.S3KeyFilter;
import software.amazon.awssdk.services.s3.model.TopicConfiguration;

/**
 * Carries out a plan in order, then reads each bucket back to check that what s3proc owns is what
 * it wrote and that nothing it does not own was lost. A failure half-way says what was done; since
 * every step compares before it writes, running again converges.
 */
public final class PlanApplier {
  private final ClientFactory clients;

  public PlanApplier(ClientFactory clients) {
    this.clients = clients;
  }

  /** Applies every change, reporting each one done; returns the changes applied. */
  public List<Change> apply(Plan plan, String ownedPrefix, Consumer<Change> done) {
    List<Change> applied = new ArrayList<>();
    for (Change change : plan.changes()) {
      try {
        apply(change, ownedPrefix);
      } catch (RuntimeException e) {
        String message =
            e instanceof software.amazon.awssdk.core.exception.SdkException sdk
                ? dev.s3proc.cli.AwsErrors.describe(sdk)
                : e.getMessage();
        throw S3procException.runtime(
            "failed to "
                + change.action().verb
                + " "
                + change.resource()
                + " "
                + change.name()
                + " after "
                + applied.size()
                + " of "
                + plan.changes().size()
                + " changes were applied: "
                + message
                + "; fix the cause and run apply again, it continues from where it stopped");
      }
      applied.add(change);
      done.accept(change);
    }
    return applied;
  }

  private void apply(Change change, String ownedPrefix) {
    Object p = change.payload();
    if (p instanceof Plan.CreateQueue q) {
      clients
          .sqs()
          .createQueue(
              r -> r.queueName(q.name()).attributesWithStrings(q.attributes()).tags(q.tags()));
    } else if (p instanceof Plan.UpdateQueue q) {
      String url = clients.sqs().getQueueUrl(r -> r.queueName(q.name())).queueUrl();
      clients.sqs().setQueueAttributes(r -> r.queueUrl(url).attributesWithStrings(q.attributes()));
    } else if (p instanceof Plan.CreateTopic t) {
      clients.sns().createTopic(r -> r.name(t.name()));
    } else if (p instanceof Plan.Subscribe sub) {
      clients
          .sns()
          .subscribe(
              r ->
                  r.topicArn(sub.topicArn())
                      .protocol("sqs")
                      .endpoint(sub.queueArn())
                      .attributes(Map.of("RawMessageDelivery", Boolean.toString(sub.raw())))
                      .returnSubscriptionArn(true));
    } else if (p instanceof Plan.SetRawDelivery raw) {
      clients
          .sns()
          .setSubscriptionAttributes(
              r ->
                  r.subscriptionArn(raw.subscriptionArn())
                      .attributeName("RawMessageDelivery")
                      .attributeValue(Boolean.toString(raw.raw())));
    } else if (p instanceof Plan.Unsubscribe u) {
      clients.sns().unsubscribe(r -> r.subscriptionArn(u.subscriptionArn()));
    } else if (p instanceof Plan.SetTopicPolicy t) {
      clients
          .sns()
          .setTopicAttributes(
              r -> r.topicArn(t.topicArn()).attributeName("Policy").attributeValue(t.policy()));
    } else if (p instanceof Plan.LambdaPermission lp && lp.add()) {
      clients
          .lambda()
          .addPermission(
              r ->
                  r.functionName(lp.functionArn())
                      .statementId(lp.statementId())
                      .action("lambda:InvokeFunction")
                      .principal("s3.amazonaws.com")
                      .sourceArn("arn:" + clients.partition() + ":s3:::" + lp.bucket())
                      .sourceAccount(lp.account()));
    } else if (p instanceof Plan.LambdaPermission lp) {
      clients
          .lambda()
          .removePermission(r -> r.functionName(lp.functionArn()).statementId(lp.statementId()));
    } else if (p instanceof Plan.CreateTable t) {
      createTable(t.name());
    } else if (p instanceof Plan.EnableTtl t) {
      enableTtl(t.table());
    } else if (p instanceof Plan.PutAlarm a) {
      clients
          .cloudWatch()
          .putMetricAlarm(
              r ->
                  r.alarmName(a.name())
                      .alarmDescription(a.description())
                      .namespace("AWS/SQS")
                      .metricName(a.metric())
                      .dimensions(Dimension.builder().name("QueueName").value(a.queue()).build())
                      .statistic(Statistic.MAXIMUM)
                      .period(60)
                      .evaluationPeriods(1)
                      .threshold(a.threshold())
                      .comparisonOperator(ComparisonOperator.fromValue(a.comparison()))
                      .treatMissingData("notBreaching"));
    } else if (p instanceof Plan.PutFunctionAlarm a) {
      clients
          .cloudWatch()
          .putMetricAlarm(a.kind().request(a.name(), a.description(), a.subject(), a.threshold()));
    } else if (p instanceof Plan.PutStateMachine m) {
      Map<String, String> values = new java.util.LinkedHashMap<>(m.values());
      m.queueUrls()
          .forEach(
              (name, queue) ->
                  values.put(name, clients.sqs().getQueueUrl(r -> r.queueName(queue)).queueUrl()));
      String definition = NotificationPlanner.substitute(m.definition(), values);
      if (m.exists()) {
        clients
            .sfn()
            .updateStateMachine(
                r -> r.stateMachineArn(m.arn()).definition(definition).roleArn(m.roleArn()));
      } else {
        clients
            .sfn()
            .createStateMachine(
                r ->
                    r.name(m.name())
                        .definition(definition)
                        .roleArn(m.roleArn())
                        .tags(
                            software.amazon.awssdk.services.sfn.model.Tag.builder()
                                .key("s3proc:pipeline")
                                .value(ownedPrefix.replaceAll("^s3proc\\.|\\.$", ""))
                                .build()));
      }
    } else if (p instanceof Plan.PutEventRule e) {
      clients
          .eventBridge()
          .putRule(
              r ->
                  r.name(e.name())
                      .eventPattern(e.pattern())
                      .state("ENABLED")
                      .description("s3proc: starts " + e.stateMachineArn()));
      var existing = clients.eventBridge().listTargetsByRule(r -> r.rule(e.name())).targets();
      List<String> others =
          existing.stream().map(t -> t.id()).filter(id -> !id.equals("s3proc")).toList();
      if (!others.isEmpty()) {
        clients.eventBridge().removeTargets(r -> r.rule(e.name()).ids(others));
      }
      clients
          .eventBridge()
          .putTargets(
              r ->
                  r.rule(e.name())
                      .targets(
                          software.amazon.awssdk.services.eventbridge.model.Target.builder()
                              .id("s3proc")
                              .arn(e.stateMachineArn())
                              .roleArn(e.roleArn())
                              .build()));
    } else if (p instanceof Plan.DeleteEventRule e) {
      List<String> ids =
          clients.eventBridge().listTargetsByRule(r -> r.rule(e.name())).targets().stream()
              .map(t -> t.id())
              .toList();
      if (!ids.isEmpty()) {
        clients.eventBridge().removeTargets(r -> r.rule(e.name()).ids(ids));
      }
      clients.eventBridge().deleteRule(r -> r.name(e.name()));
    } else if (p instanceof Plan.DeleteAlarm a) {
      clients.cloudWatch().deleteAlarms(r -> r.alarmNames(a.name()));
    } else if (p instanceof Plan.PutNotifications n) {
      putNotifications(n, ownedPrefix);
    } else {
      throw new IllegalStateException("no way to apply " + change);
    }
  }

  private void createTable(String name) {
    var db = clients.dynamoDb();
    db.createTable(AuditSchema.createTable(name));
    try (DynamoDbWaiter waiter = db.waiter()) {
      waiter.waitUntilTableExists(
          r -> r.tableName(name),
          o ->
              o.waitTimeout(Duration.ofMinutes(2))
                  .maxAttempts(240)
                  .backoffStrategyV2(BackoffStrategy.fixedDelay(Duration.ofMillis(500))));
    } catch (SdkClientException e) { // the waiter gave up
      throw S3procException.runtime(
          "table " + name + " did not become ACTIVE within 2 minutes: " + e.getMessage());
    }
    enableTtl(name);
  }

  private void enableTtl(String name) {
    clients
        .dynamoDb()
        .updateTimeToLive(
            r ->
                r.tableName(name)
                    .timeToLiveSpecification(
                        s -> s.enabled(true).attributeName(AuditSchema.TTL_ATTRIBUTE)));
  }

  /**
   * Reads the bucket's configuration again just before writing, keeps every configuration not owned
   * by the pipeline exactly as read, replaces the owned ones, writes, and reads back.
   */
  private void putNotifications(Plan.PutNotifications n, String ownedPrefix) {
    var s3 = clients.s3();
    NotificationConfiguration live =
        LiveStateReader.read(s3.getBucketNotificationConfiguration(r -> r.bucket(n.bucket())));
    List<QueueConfiguration> queues =
        new ArrayList<>(
            live.queueConfigurations().stream().filter(c -> !owned(c.id(), ownedPrefix)).toList());
    List<TopicConfiguration> topics =
        new ArrayList<>(
            live.topicConfigurations().stream().filter(c -> !owned(c.id(), ownedPrefix)).toList());
    List<LambdaFunctionConfiguration> lambdas =
        new ArrayList<>(
            live.lambdaFunctionConfigurations().stream()
                .filter(c -> !owned(c.id(), ownedPrefix))
                .toList());
    List<Notification> foreign =
        LiveStateReader.normalize(live).stream().filter(x -> !owned(x.id(), ownedPrefix)).toList();
    for (Notification d : n.desired()) {
      NotificationConfigurationFilter filter = filter(d);
      switch (d.type()) {
        case QUEUE ->
            queues.add(
                QueueConfiguration.builder()
                    .id(d.id())
                    .queueArn(d.targetArn())
                    .eventsWithStrings(d.events())
                    .filter(filter)
                    .build());
        case TOPIC ->
            topics.add(
                TopicConfiguration.builder()
                    .id(d.id())
                    .topicArn(d.targetArn())
                    .eventsWithStrings(d.events())
                    .filter(filter)
                    .build());
        case LAMBDA ->
            lambdas.add(
                LambdaFunctionConfiguration.builder()
                    .id(d.id())
                    .lambdaFunctionArn(d.targetArn())
                    .eventsWithStrings(d.events())
                    .filter(filter)
                    .build());
      }
    }
    EventBridgeConfiguration eventBridge =
        n.enableEventBridge() || live.eventBridgeConfiguration() != null
            ? EventBridgeConfiguration.builder().build()
            : null;
    NotificationConfiguration merged =
        NotificationConfiguration.builder()
            .queueConfigurations(queues)
            .topicConfigurations(topics)
            .lambdaFunctionConfigurations(lambdas)
            .eventBridgeConfiguration(eventBridge)
            .build();
    s3.putBucketNotificationConfiguration(
        r -> r.bucket(n.bucket()).notificationConfiguration(merged));

    List<Notification> after =
        LiveStateReader.normalize(
            LiveStateReader.read(s3.getBucketNotificationConfiguration(r -> r.bucket(n.bucket()))));
    List<Notification> ownedAfter = after.stream().filter(x -> owned(x.id(), ownedPrefix)).toList();
    List<Notification> foreignAfter =
        after.stream().filter(x -> !owned(x.id(), ownedPrefix)).toList();
    List<Notification> expected =
        n.desired().stream().sorted(java.util.Comparator.comparing(Notification::id)).toList();
    if (!ownedAfter.equals(expected) || !foreignAfter.equals(foreign)) {
      throw S3procException.runtime(
          "read-back of bucket "
              + n.bucket()
              + " does not match what was written (another writer at the same time?): run plan to see the difference, then apply again");
    }
  }

  private static boolean owned(String id, String ownedPrefix) {
    return id != null && id.startsWith(ownedPrefix);
  }

  /** Filter rule names go lowercase: real S3 accepts them, and moto fails on "Prefix". */
  private static NotificationConfigurationFilter filter(Notification d) {
    List<FilterRule> rules = new ArrayList<>();
    if (!d.prefix().isEmpty()) {
      rules.add(FilterRule.builder().name("prefix").value(d.prefix()).build());
    }
    if (!d.suffix().isEmpty()) {
      rules.add(FilterRule.builder().name("suffix").value(d.suffix()).build());
    }
    return rules.isEmpty()
        ? null
        : NotificationConfigurationFilter.builder()
            .key(S3KeyFilter.builder().filterRules(rules).build())
            .build();
  }
}
