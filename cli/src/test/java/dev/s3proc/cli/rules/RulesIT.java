package dev.s3proc.cli.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.Moto;
import dev.s3proc.core.config.PipelineLoader;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** rules plan/apply/export against a real moto_server. */
@ExtendWith(Moto.class)
class RulesIT {
  static final String BUCKET = "terminus-uploads";
  static final Path PIPELINE = Path.of("../config/pipeline.yaml");
  static final String FOREIGN_ID = "legacy-audit";

  @TempDir Path tmp;
  ClientFactory aws;
  Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    aws = Moto.clients();
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  Cli.Result s3proc(String... args) {
    return Moto.run(cli, args);
  }

  /** The reference pipeline's upload bucket and the bucket its outputs go to. */
  void createBuckets() {
    aws.s3().createBucket(r -> r.bucket(BUCKET));
    aws.s3().createBucket(r -> r.bucket("terminus-processed"));
    aws.s3().createBucket(r -> r.bucket("terminus-quarantine"));
  }

  @Test
  void aMissingOutputsBucketStopsApplyBeforeAnythingChanges() {
    aws.s3().createBucket(r -> r.bucket(BUCKET));
    Cli.Result apply = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes");
    assertThat(apply.exitCode()).as(apply.toString()).isEqualTo(1);
    assertThat(apply.err())
        .contains("outputs bucket terminus-processed does not exist")
        .contains("aws s3 mb s3://terminus-processed");
    assertThat(aws.sqs().listQueues().queueUrls()).isEmpty();
  }

  void createBucketWithForeignRule() {
    createBuckets();
    String foreignQueue = aws.sqs().createQueue(r -> r.queueName("foreign-q")).queueUrl();
    String arn =
        aws.sqs()
            .getQueueAttributes(
                r -> r.queueUrl(foreignQueue).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    aws.s3()
        .putBucketNotificationConfiguration(
            r ->
                r.bucket(BUCKET)
                    .notificationConfiguration(
                        NotificationConfiguration.builder()
                            .queueConfigurations(
                                QueueConfiguration.builder()
                                    .id(FOREIGN_ID)
                                    .queueArn(arn)
                                    .eventsWithStrings("s3:ObjectRemoved:*")
                                    .filter(
                                        f ->
                                            f.key(
                                                k ->
                                                    k.filterRules(
                                                        software.amazon.awssdk.services.s3.model
                                                            .FilterRule.builder()
                                                            .name("prefix")
                                                            .value("legacy/")
                                                            .build())))
                                    .build())
                            .build()));
  }

  List<String> notificationIds() {
    var c = aws.s3().getBucketNotificationConfiguration(r -> r.bucket(BUCKET));
    return java.util.stream.Stream.of(
            c.queueConfigurations().stream().map(QueueConfiguration::id),
            c.topicConfigurations().stream().map(t -> t.id()),
            c.lambdaFunctionConfigurations().stream().map(l -> l.id()))
        .flatMap(s -> s)
        .sorted()
        .toList();
  }

  @Test
  void applyKeepsARuleItDoesNotOwnAndASecondApplyChangesNothing() {
    createBucketWithForeignRule();

    Cli.Result first = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes");
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.out())
        .contains(
            "= keep notification terminus-uploads legacy-audit",
            "+ create queue document-processing",
            "+ create topic processing-results");
    assertThat(notificationIds())
        .containsExactly(
            FOREIGN_ID,
            "s3proc.media-ingest.compliance",
            "s3proc.media-ingest.process-documents",
            "s3proc.media-ingest.process-images-jpeg",
            "s3proc.media-ingest.process-images-jpg",
            "s3proc.media-ingest.process-images-png");

    Cli.Result plan = s3proc("rules", "plan", "-f", PIPELINE.toString(), "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out()).contains("No changes.");

    Cli.Result second = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes");
    assertThat(second.exitCode()).isZero();
    assertThat(second.out()).contains("No changes.");
    assertThat(second.err()).doesNotContain("Apply complete");
    assertThat(notificationIds()).contains(FOREIGN_ID).hasSize(6);
  }

  @Test
  void applyWiresQueuesDlqsPermissionsTableAndAlarms() {
    createBuckets();
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();

    String url = aws.sqs().getQueueUrl(r -> r.queueName("document-processing")).queueUrl();
    var attributes =
        aws.sqs()
            .getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL))
            .attributesAsStrings();
    assertThat(attributes.get("VisibilityTimeout")).isEqualTo("1800");
    assertThat(attributes.get("MessageRetentionPeriod")).isEqualTo(Long.toString(4 * 86400));
    assertThat(attributes.get("RedrivePolicy")).contains("document-processing-dlq").contains("5");
    assertThat(attributes.get("Policy"))
        .contains(
            "aws:SourceArn",
            "arn:aws:s3:::terminus-uploads",
            "aws:SourceAccount",
            "sqs:SendMessage");

    String topicArn = "arn:aws:sns:us-east-1:123456789012:compliance-fanout";
    assertThat(aws.sns().getTopicAttributes(r -> r.topicArn(topicArn)).attributes().get("Policy"))
        .contains("SNS:Publish", "arn:aws:s3:::terminus-uploads");
    assertThat(aws.sns().listTopics().topics())
        .extracting(t -> t.topicArn())
        .as("the results topic the processors announce on")
        .contains("arn:aws:sns:us-east-1:123456789012:processing-results");

    var table = aws.dynamoDb().describeTable(r -> r.tableName("s3proc-audit")).table();
    assertThat(table.globalSecondaryIndexes())
        .extracting(i -> i.indexName())
        .containsExactly("byTime");
    assertThat(
            aws.dynamoDb()
                .describeTimeToLive(r -> r.tableName("s3proc-audit"))
                .timeToLiveDescription()
                .attributeName())
        .isEqualTo("expiresAt");

    var alarms =
        aws.cloudWatch()
            .describeAlarms(r -> r.alarmNamePrefix("s3proc.media-ingest."))
            .metricAlarms();
    assertThat(alarms)
        .extracting(a -> a.alarmName())
        .containsExactlyInAnyOrder(
            "s3proc.media-ingest.document-processing-dlq.depth",
            "s3proc.media-ingest.document-processing.oldest-age",
            "s3proc.media-ingest.image-processing-dlq.depth",
            "s3proc.media-ingest.image-processing.oldest-age",
            "s3proc.media-ingest.video-steps-dlq.depth",
            "s3proc.media-ingest.video-steps.oldest-age",
            "s3proc.media-ingest.video-heavy-dlq.depth",
            "s3proc.media-ingest.video-heavy.oldest-age",
            "s3proc.media-ingest.compliance-validation-dlq.depth",
            "s3proc.media-ingest.compliance-validation.oldest-age",
            "s3proc.media-ingest.compliance-pii-dlq.depth",
            "s3proc.media-ingest.compliance-pii.oldest-age",
            "s3proc.media-ingest.compliance-scan-dlq.depth",
            "s3proc.media-ingest.compliance-scan.oldest-age",
            "s3proc.media-ingest.video.executions-failed");
  }

  @Test
  void theFanOutTopicIsWiredToItsSubscribersAndAForeignSubscriptionSurvives() throws IOException {
    createBuckets();
    String topicArn = "arn:aws:sns:us-east-1:123456789012:compliance-fanout";
    // another team's tap on the same topic: not s3proc's to touch
    aws.sns().createTopic(r -> r.name("compliance-fanout"));
    aws.sqs().createQueue(r -> r.queueName("audit-tap"));
    aws.sns()
        .subscribe(
            r ->
                r.topicArn(topicArn)
                    .protocol("sqs")
                    .endpoint("arn:aws:sqs:us-east-1:123456789012:audit-tap"));

    Cli.Result plan = s3proc("rules", "plan", "-f", PIPELINE.toString());
    assertThat(plan.out())
        .contains(
            "+ create subscription compliance-fanout -> compliance-validation",
            "+ create subscription compliance-fanout -> compliance-pii",
            "raw message delivery")
        .doesNotContain("audit-tap");
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();

    var subscriptions =
        aws.sns().listSubscriptionsByTopic(r -> r.topicArn(topicArn)).subscriptions();
    assertThat(subscriptions)
        .extracting(x -> x.endpoint().replaceAll(".*:", ""))
        .containsExactlyInAnyOrder(
            "audit-tap", "compliance-scan", "compliance-validation", "compliance-pii");
    for (var x : subscriptions) {
      if (!x.endpoint().endsWith("audit-tap")) {
        assertThat(
                aws.sns()
                    .getSubscriptionAttributes(r -> r.subscriptionArn(x.subscriptionArn()))
                    .attributes())
            .containsEntry("RawMessageDelivery", "true");
      }
    }
    String pii = aws.sqs().getQueueUrl(r -> r.queueName("compliance-pii")).queueUrl();
    assertThat(
            aws.sqs()
                .getQueueAttributes(r -> r.queueUrl(pii).attributeNames(QueueAttributeName.POLICY))
                .attributesAsStrings()
                .get("Policy"))
        .as("the topic, and only it, may send")
        .contains("sns.amazonaws.com", "aws:SourceArn", topicArn);
    assertThat(s3proc("rules", "plan", "-f", PIPELINE.toString()).out()).contains("No changes.");

    // an upload under the prefix reaches every subscriber, as S3 sent it (raw delivery)
    String key = "uploads/compliance/q3 customers.csv";
    aws.s3().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString("id,email\n"));
    for (String q : List.of("compliance-validation", "compliance-pii")) {
      String url = aws.sqs().getQueueUrl(r -> r.queueName(q)).queueUrl();
      List<Message> got =
          aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
      assertThat(got)
          .as(q + ": the upload's event (beside S3's test event of the configuration)")
          .filteredOn(m -> !m.body().contains("s3:TestEvent"))
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m.body())
                      .contains("\"Records\"", "q3+customers.csv")
                      .doesNotContain("\"TopicArn\""));
    }

    // a subscriber dropped from the file is unsubscribed; the tap stays
    Path fewer = tmp.resolve("fewer.yaml");
    Files.copy(PIPELINE.resolveSibling("video.asl.json"), tmp.resolve("video.asl.json"));
    Files.writeString(
        fewer,
        Files.readString(PIPELINE)
            .replace(
                "subscribers: [compliance-scan, compliance-validation, compliance-pii]",
                "subscribers: [compliance-scan, compliance-validation]"));
    Cli.Result drop = s3proc("rules", "plan", "-f", fewer.toString());
    assertThat(drop.out()).contains("- delete subscription compliance-fanout -> compliance-pii");
    assertThat(s3proc("rules", "apply", "-f", fewer.toString(), "--yes").exitCode()).isZero();
    assertThat(aws.sns().listSubscriptionsByTopic(r -> r.topicArn(topicArn)).subscriptions())
        .extracting(x -> x.endpoint().replaceAll(".*:", ""))
        .containsExactlyInAnyOrder("audit-tap", "compliance-scan", "compliance-validation");
  }

  /**
   * Someone edits a condition in s3proc's statement of a queue policy and adds a statement of their
   * own: the plan names the statement and shows the condition as it is and as it will be; apply
   * restores s3proc's statement and keeps theirs.
   */
  @Test
  void anEditedQueuePolicyStatementIsShownFieldByFieldAndAForeignStatementSurvives()
      throws IOException {
    createBuckets();
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();
    String url = aws.sqs().getQueueUrl(r -> r.queueName("document-processing")).queueUrl();
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var policy =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            json.readTree(
                aws.sqs()
                    .getQueueAttributes(
                        r -> r.queueUrl(url).attributeNames(QueueAttributeName.POLICY))
                    .attributesAsStrings()
                    .get("Policy"));
    var statements = (com.fasterxml.jackson.databind.node.ArrayNode) policy.get("Statement");
    var ours = (com.fasterxml.jackson.databind.node.ObjectNode) statements.get(0);
    String sid = ours.get("Sid").asText();
    assertThat(sid).startsWith("s3proc.");
    ((com.fasterxml.jackson.databind.node.ObjectNode) ours.get("Condition").get("StringEquals"))
        .put("aws:SourceAccount", "999999999999");
    statements
        .addObject()
        .put("Sid", "audit-team-reads")
        .put("Effect", "Allow")
        .put("Action", "sqs:GetQueueAttributes")
        .put("Resource", "*")
        .putObject("Principal")
        .put("AWS", "arn:aws:iam::123456789012:root");
    String edited = json.writeValueAsString(policy);
    aws.sqs()
        .setQueueAttributes(r -> r.queueUrl(url).attributesWithStrings(Map.of("Policy", edited)));
    // and the same edit in the fan-out topic's policy
    String topicArn = "arn:aws:sns:us-east-1:123456789012:compliance-fanout";
    String topicPolicy =
        aws.sns()
            .getTopicAttributes(r -> r.topicArn(topicArn))
            .attributes()
            .get("Policy")
            .replace("\"123456789012\"", "\"999999999999\"");
    aws.sns()
        .setTopicAttributes(
            r -> r.topicArn(topicArn).attributeName("Policy").attributeValue(topicPolicy));

    Cli.Result plan = s3proc("rules", "plan", "-f", PIPELINE.toString(), "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(4);
    assertThat(plan.out())
        .contains(
            "~ update queue document-processing",
            "Policy: statement "
                + sid
                + ": Condition.StringEquals.aws:SourceAccount \"999999999999\" ->"
                + " \"123456789012\"")
        .contains(
            "~ update topic-policy compliance-fanout",
            "Condition.StringEquals.aws:SourceAccount \"999999999999\" -> \"123456789012\"")
        .doesNotContain("ArnLike", "audit-team-reads", "allow S3 to publish from");

    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();
    String after =
        aws.sqs()
            .getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.POLICY))
            .attributesAsStrings()
            .get("Policy");
    assertThat(after)
        .contains("audit-team-reads", "\"123456789012\"")
        .doesNotContain("999999999999");
    assertThat(s3proc("rules", "plan", "-f", PIPELINE.toString(), "--detailed-exitcode").exitCode())
        .isZero();
  }

  @Test
  void aRuleDroppedFromTheFileIsRemovedAndPlanSaysSoFirst() throws IOException {
    createBucketWithForeignRule();
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();

    Path withoutCompliance = tmp.resolve("p.yaml");
    Files.copy(PIPELINE.resolveSibling("video.asl.json"), tmp.resolve("video.asl.json"));
    String text = Files.readString(PIPELINE);
    text =
        text.substring(0, text.indexOf("      - id: compliance"))
            + text.substring(text.indexOf("queues:"));
    Files.writeString(withoutCompliance, text);

    Cli.Result plan =
        s3proc("rules", "plan", "-f", withoutCompliance.toString(), "--detailed-exitcode");
    assertThat(plan.exitCode()).as(plan.toString()).isEqualTo(4);
    assertThat(plan.out())
        .contains(
            "~ update notifications terminus-uploads",
            "- compliance: s3:ObjectCreated:* prefix=uploads/compliance/ -> topic compliance-fanout");

    assertThat(s3proc("rules", "apply", "-f", withoutCompliance.toString(), "--yes").exitCode())
        .isZero();
    assertThat(notificationIds())
        .contains(FOREIGN_ID)
        .doesNotContain("s3proc.media-ingest.compliance")
        .hasSize(5);
  }

  @Test
  void anUploadedObjectsEventArrivesInTheTargetQueue() {
    createBuckets();
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();

    String key = "uploads/images/my photo é.jpg";
    aws.s3().putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString("not really a jpeg"));

    String url = aws.sqs().getQueueUrl(r -> r.queueName("image-processing")).queueUrl();
    List<Message> messages =
        aws.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10)).messages();
    assertThat(messages)
        .anySatisfy(
            m ->
                assertThat(URLDecoder.decode(m.body(), StandardCharsets.UTF_8))
                    .contains("\"key\": \"" + key + "\"", "ObjectCreated:Put"));
  }

  @Test
  void invalidConfigurationExitsThreeAndChangesNothing() throws IOException {
    createBuckets();
    Path bad = tmp.resolve("bad.yaml");
    Files.copy(PIPELINE.resolveSibling("video.asl.json"), tmp.resolve("video.asl.json"));
    Files.writeString(
        bad, Files.readString(PIPELINE).replace("suffix: .png }", "suffix: \"*.png\" }"));

    Cli.Result r = s3proc("rules", "apply", "-f", bad.toString(), "--yes");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err())
        .contains(bad + ":22:")
        .contains("rule process-images-png: filter suffix '*.png' contains a wildcard")
        .contains("nothing was changed");
    assertThat(aws.sqs().listQueues().queueUrls()).isEmpty();
    assertThat(notificationIds()).isEmpty();
  }

  @Test
  void applyAsksFirstAndDryRunChangesNothing() {
    createBuckets();

    Cli.Result noTerminal = s3proc("rules", "apply", "-f", PIPELINE.toString());
    assertThat(noTerminal.exitCode()).isEqualTo(2);
    assertThat(noTerminal.err()).contains("pass --yes");

    Cli.Result declined =
        cli.stdin("n\n")
            .run("rules", "apply", "-f", PIPELINE.toString(), "--endpoint-url", Moto.endpoint());
    assertThat(declined.exitCode()).isZero();
    assertThat(declined.err()).contains("nothing was changed");

    Cli.Result dryRun = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--dry-run");
    assertThat(dryRun.exitCode()).isZero();
    assertThat(dryRun.out()).contains("Plan: ");
    assertThat(dryRun.err()).contains("dry run: nothing was changed");
    assertThat(aws.sqs().listQueues().queueUrls()).isEmpty();
    assertThat(notificationIds()).isEmpty();

    Cli.Result accepted =
        new Cli()
            .stdin("yes\n")
            .run("rules", "apply", "-f", PIPELINE.toString(), "--endpoint-url", Moto.endpoint());
    assertThat(accepted.exitCode()).as(accepted.toString()).isZero();
    assertThat(notificationIds()).hasSize(5);
  }

  @Test
  void aMissingBucketIsReportedAndNothingIsCreated() {
    Cli.Result r = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("bucket terminus-uploads does not exist", "nothing was changed");
    assertThat(aws.sqs().listQueues().queueUrls()).isEmpty();
  }

  @Test
  void aRuleOverlappingAForeignConfigurationIsCaughtBeforeS3SeesIt() {
    createBuckets();
    String q = aws.sqs().createQueue(r -> r.queueName("other")).queueUrl();
    aws.s3()
        .putBucketNotificationConfiguration(
            r ->
                r.bucket(BUCKET)
                    .notificationConfiguration(
                        NotificationConfiguration.builder()
                            .queueConfigurations(
                                QueueConfiguration.builder()
                                    .id("everything")
                                    .queueArn("arn:aws:sqs:us-east-1:123456789012:other")
                                    .eventsWithStrings("s3:ObjectCreated:Put")
                                    .build())
                            .build()));

    Cli.Result r = s3proc("rules", "plan", "-f", PIPELINE.toString());
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .contains(
            "cannot apply: rule process-images-jpg overlaps configuration everything on bucket terminus-uploads");
    assertThat(q).isNotNull();
  }

  @Test
  void exportAdoptsAnExistingBucketAsAValidPipeline() throws IOException {
    createBucketWithForeignRule();
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();

    Cli.Result r = s3proc("rules", "export", "--bucket", BUCKET, "--region", "us-east-1");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains(
            "pipeline: media-ingest",
            "id: process-images-png",
            "id: legacy-audit",
            "queue: foreign-q",
            "visibilityTimeout: 30m");

    // as the export's note says: the workflow's definition saved beside it, and its queues given
    // the processor that runs its steps (no Lambda consumes them on moto to tell)
    assertThat(r.err())
        .contains(
            "workflow video: save its state machine beside the pipeline file as video.asl.json")
        .contains("give its queues the processor that runs its steps");
    var machine = aws.sfn().listStateMachines().stateMachines().get(0).stateMachineArn();
    Files.writeString(
        tmp.resolve("video.asl.json"),
        aws.sfn().describeStateMachine(m -> m.stateMachineArn(machine)).definition());
    Path exported = tmp.resolve("exported.yaml");
    Files.writeString(
        exported,
        r.out()
            .replace("  video-steps:\n", "  video-steps:\n    processor: video\n")
            .replace("  video-heavy:\n", "  video-heavy:\n    processor: video\n"));
    var loaded = PipelineLoader.load(exported);
    assertThat(loaded.errors()).isEmpty();
    assertThat(loaded.config().buckets().get(0).rules()).hasSize(6);
  }

  @Test
  void applyRemovesAStaleQueueAlarmButLeavesTheFunctionsAlarmsToTheTemplate() {
    createBuckets();
    aws.cloudWatch()
        .putMetricAlarm(
            r ->
                r.alarmName("s3proc.media-ingest.image.errors")
                    .namespace("AWS/Lambda")
                    .metricName("Errors")
                    .dimensions(d -> d.name("FunctionName").value("media-ingest-ImageFunction-X"))
                    .statistic("Sum")
                    .period(300)
                    .evaluationPeriods(1)
                    .threshold(0.0)
                    .comparisonOperator("GreaterThanThreshold"));
    aws.cloudWatch()
        .putMetricAlarm(
            r ->
                r.alarmName("s3proc.media-ingest.retired-queue.oldest-age")
                    .namespace("AWS/SQS")
                    .metricName("ApproximateAgeOfOldestMessage")
                    .dimensions(d -> d.name("QueueName").value("retired-queue"))
                    .statistic("Maximum")
                    .period(60)
                    .evaluationPeriods(1)
                    .threshold(30.0)
                    .comparisonOperator("GreaterThanThreshold"));

    Cli.Result apply = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    assertThat(apply.out())
        .contains("- delete alarm s3proc.media-ingest.retired-queue.oldest-age")
        .doesNotContain("s3proc.media-ingest.image.errors");
    assertThat(
            aws.cloudWatch()
                .describeAlarms(r -> r.alarmNamePrefix("s3proc.media-ingest."))
                .metricAlarms())
        .extracting(a -> a.alarmName())
        .contains("s3proc.media-ingest.image.errors")
        .doesNotContain("s3proc.media-ingest.retired-queue.oldest-age");
    assertThat(s3proc("rules", "plan", "-f", PIPELINE.toString(), "--detailed-exitcode").exitCode())
        .isZero();
  }

  @Test
  void applyCreatesTheAlarmsOfTheFunctionsThatConsumeItsQueuesAndASecondApplyChangesNothing()
      throws IOException {
    createBuckets();
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();
    // what the template deploys: the image function, fed by the image queue
    java.io.ByteArrayOutputStream zip = new java.io.ByteArrayOutputStream();
    try (var z = new java.util.zip.ZipOutputStream(zip)) {
      z.putNextEntry(new java.util.zip.ZipEntry("handler.txt"));
    }
    String role = dev.s3proc.core.testing.MotoProcess.createRole("image-function");
    aws.lambda()
        .createFunction(
            r ->
                r.functionName("media-ingest-ImageFunction-X")
                    .runtime("java21")
                    .role(role)
                    .handler("dev.s3proc.handlers.image.ImageHandler::handleRequest")
                    .timeout(60)
                    .code(
                        c ->
                            c.zipFile(
                                software.amazon.awssdk.core.SdkBytes.fromByteArray(
                                    zip.toByteArray()))));
    String queueArn =
        aws.sqs()
            .getQueueAttributes(
                r ->
                    r.queueUrl(
                            aws.sqs().getQueueUrl(q -> q.queueName("image-processing")).queueUrl())
                        .attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    aws.lambda()
        .createEventSourceMapping(
            r -> r.eventSourceArn(queueArn).functionName("media-ingest-ImageFunction-X"));

    Cli.Result plan = s3proc("rules", "plan", "-f", PIPELINE.toString());
    assertThat(plan.out())
        .contains("+ create alarm s3proc.media-ingest.image.errors")
        .contains("+ create alarm s3proc.media-ingest.image.throttles")
        .contains("+ create alarm s3proc.media-ingest.image.duration-p99")
        .contains("Duration of media-ingest-ImageFunction-X > 48000")
        .contains("+ create alarm s3proc.media-ingest.image.error-rate")
        .contains("100 * errors / MAX([invocations, 1]) of media-ingest-ImageFunction-X > 0.5")
        .contains("+ create alarm s3proc.media-ingest.image.file-failure-rate")
        .doesNotContain("s3proc.media-ingest.document.errors");
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();

    var alarms =
        aws.cloudWatch().describeAlarms(r -> r.alarmNamePrefix("s3proc.media-ingest.image."));
    assertThat(alarms.metricAlarms())
        .extracting(a -> a.alarmName())
        .containsExactlyInAnyOrder(
            "s3proc.media-ingest.image.errors",
            "s3proc.media-ingest.image.throttles",
            "s3proc.media-ingest.image.duration-p99",
            "s3proc.media-ingest.image.error-rate",
            "s3proc.media-ingest.image.file-failure-rate");
    var p99 =
        alarms.metricAlarms().stream()
            .filter(a -> a.alarmName().endsWith("duration-p99"))
            .findFirst()
            .orElseThrow();
    assertThat(p99.extendedStatistic()).isEqualTo("p99");
    assertThat(p99.threshold()).isEqualTo(48000.0);
    var rate =
        alarms.metricAlarms().stream()
            .filter(a -> a.alarmName().endsWith(".error-rate"))
            .findFirst()
            .orElseThrow();
    assertThat(rate.metrics())
        .extracting(m -> m.id())
        .containsExactly("rate", "errors", "invocations");
    assertThat(rate.metrics().get(1).metricStat().metric().dimensions().get(0).value())
        .isEqualTo("media-ingest-ImageFunction-X");

    Cli.Result again = s3proc("rules", "plan", "-f", PIPELINE.toString(), "--detailed-exitcode");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("No changes.");
  }

  @Test
  void theSdksOwnEndpointSettingIsHonouredWithoutEndpointUrl() {
    createBuckets();
    System.setProperty("aws.endpointUrl", Moto.endpoint());
    try {
      Cli.Result r = cli.run("rules", "plan", "-f", PIPELINE.toString(), "--detailed-exitcode");
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
      assertThat(r.out())
          .contains("+ create alarm s3proc.media-ingest.document-processing-dlq.depth");
    } finally {
      System.clearProperty("aws.endpointUrl");
    }
  }
}
