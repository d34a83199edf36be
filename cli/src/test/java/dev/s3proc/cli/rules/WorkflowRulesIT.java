package dev.s3proc.cli.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.Moto;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** rules plan/apply of the workflows: the state machine and the EventBridge rules, on moto. */
@ExtendWith(Moto.class)
class WorkflowRulesIT {
  static final Path PIPELINE = Path.of("../config/pipeline.yaml");
  static final String MACHINE = "s3proc-media-ingest-video";
  static final String RULE = "s3proc.media-ingest.process-videos";

  ClientFactory aws;
  Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    aws = Moto.clients();
    aws.s3().createBucket(r -> r.bucket("terminus-uploads"));
    aws.s3().createBucket(r -> r.bucket("terminus-processed"));
    aws.s3().createBucket(r -> r.bucket("terminus-quarantine"));
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  Cli.Result s3proc(String... args) {
    return Moto.run(cli, args);
  }

  @Test
  void applyDeploysTheStateMachineAndItsRuleLeavesForeignRulesAndConverges() {
    // someone else's rule on the same bus, with its own target: apply must not touch either
    aws.sqs().createQueue(r -> r.queueName("legacy-archive"));
    aws.eventBridge()
        .putRule(
            r ->
                r.name("legacy-archive")
                    .eventPattern(
                        "{\"source\":[\"aws.s3\"],\"detail-type\":[\"Object Created\"]}"));
    aws.eventBridge()
        .putTargets(
            r ->
                r.rule("legacy-archive")
                    .targets(
                        t ->
                            t.id("archive")
                                .arn("arn:aws:sqs:us-east-1:123456789012:legacy-archive")));
    // a rule this pipeline made once and no longer has
    aws.eventBridge()
        .putRule(
            r ->
                r.name("s3proc.media-ingest.old-videos").eventPattern("{\"source\":[\"aws.s3\"]}"));

    Cli.Result plan = s3proc("rules", "plan", "-f", PIPELINE.toString());
    assertThat(plan.exitCode()).as(plan.toString()).isZero();
    assertThat(plan.out())
        .contains("+ create state-machine " + MACHINE)
        .contains(
            "workflow video from video.asl.json: steps on video-steps, over 1073741824 bytes on video-heavy")
        .contains("+ create event-rule " + RULE)
        .contains("\"prefix\":\"uploads/videos/\"")
        .contains("- delete event-rule s3proc.media-ingest.old-videos")
        .doesNotContain("legacy-archive");

    Cli.Result apply = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();

    var machine =
        aws.sfn().listStateMachines().stateMachines().stream()
            .filter(m -> m.name().equals(MACHINE))
            .findFirst()
            .orElseThrow();
    String definition =
        aws.sfn()
            .describeStateMachine(r -> r.stateMachineArn(machine.stateMachineArn()))
            .definition();
    assertThat(definition)
        .doesNotContain(
            "${LightQueueUrl}",
            "${HeavyQueueUrl}",
            "${ResultsTopicArn}",
            "${HeavyAboveBytes}",
            "${HeartbeatSeconds}",
            "${DeadLetterQueueUrl}")
        .contains(aws.sqs().getQueueUrl(r -> r.queueName("video-steps")).queueUrl())
        .contains(aws.sqs().getQueueUrl(r -> r.queueName("video-steps-dlq")).queueUrl())
        .contains(aws.sqs().getQueueUrl(r -> r.queueName("video-heavy")).queueUrl())
        .contains("arn:aws:sns:us-east-1:123456789012:processing-results")
        .contains("States.StringToJson('1073741824')");
    assertThat(aws.eventBridge().listTargetsByRule(r -> r.rule(RULE)).targets())
        .singleElement()
        .satisfies(t -> assertThat(t.arn()).isEqualTo(machine.stateMachineArn()));
    assertThat(aws.eventBridge().listRules(r -> {}).rules())
        .extracting(r -> r.name())
        .contains("legacy-archive", RULE)
        .doesNotContain("s3proc.media-ingest.old-videos");
    assertThat(aws.eventBridge().listTargetsByRule(r -> r.rule("legacy-archive")).targets())
        .singleElement()
        .satisfies(t -> assertThat(t.id()).isEqualTo("archive"));
    assertThat(
            aws.s3()
                .getBucketNotificationConfiguration(r -> r.bucket("terminus-uploads"))
                .eventBridgeConfiguration())
        .isNotNull();

    var failed =
        aws.cloudWatch()
            .describeAlarms(r -> r.alarmNames("s3proc.media-ingest.video.executions-failed"))
            .metricAlarms();
    assertThat(failed)
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.namespace()).isEqualTo("AWS/States");
              assertThat(a.metricName()).isEqualTo("ExecutionsFailed");
              assertThat(a.dimensions().get(0).value()).isEqualTo(machine.stateMachineArn());
            });

    Cli.Result again = s3proc("rules", "plan", "-f", PIPELINE.toString(), "--detailed-exitcode");
    assertThat(again.exitCode()).as(again.toString()).isZero();
    assertThat(again.out()).contains("No changes.");
  }

  @Test
  void exportGivesBackTheWorkflowRuleAndItsWorkflow() throws Exception {
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();
    Cli.Result export = s3proc("rules", "export", "--bucket", "terminus-uploads", "-o", "json");
    assertThat(export.exitCode()).as(export.toString()).isZero();
    var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(export.out());
    assertThat(doc.path("pipeline").asText()).isEqualTo("media-ingest");
    var rule =
        java.util.stream.StreamSupport.stream(
                doc.path("buckets").get(0).path("rules").spliterator(), false)
            .filter(r -> r.path("id").asText().equals("process-videos"))
            .findFirst()
            .orElseThrow();
    assertThat(rule.path("target").path("workflow").asText()).isEqualTo("video");
    assertThat(rule.path("filter").path("prefix").asText()).isEqualTo("uploads/videos/");
    assertThat(rule.path("events").toString()).isEqualTo("[\"s3:ObjectCreated:*\"]");
    var video = doc.path("workflows").path("video");
    assertThat(video.path("definition").asText()).isEqualTo("video.asl.json");
    assertThat(video.path("queue").asText()).isEqualTo("video-steps");
    assertThat(video.path("heavyQueue").asText()).isEqualTo("video-heavy");
    assertThat(doc.path("queues").path("video-heavy").path("dlq").path("name").asText())
        .isEqualTo("video-heavy-dlq");
    assertThat(doc.path("results").path("topic").asText()).isEqualTo("processing-results");
    assertThat(export.err())
        .contains(
            "workflow video: save its state machine beside the pipeline file as video.asl.json")
        .contains("describe-state-machine --state-machine-arn arn:aws:states:");
  }

  @Test
  void aChangedStateMachineIsUpdatedInPlace() {
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();
    var machine = aws.sfn().listStateMachines().stateMachines().get(0);
    aws.sfn()
        .updateStateMachine(
            r ->
                r.stateMachineArn(machine.stateMachineArn())
                    .definition(
                        "{\"StartAt\":\"A\",\"States\":{\"A\":{\"Type\":\"Pass\",\"End\":true}}}"));
    Cli.Result plan = s3proc("rules", "plan", "-f", PIPELINE.toString());
    assertThat(plan.out()).contains("~ update state-machine " + MACHINE);
    assertThat(s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes").exitCode()).isZero();
    assertThat(
            aws.sfn()
                .describeStateMachine(r -> r.stateMachineArn(machine.stateMachineArn()))
                .definition())
        .contains("waitForTaskToken");
    assertThat(aws.sfn().listStateMachines().stateMachines()).hasSize(1);
  }
}
