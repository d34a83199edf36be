package dev.s3proc.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.testing.Cli;
import dev.s3proc.cli.testing.Moto;
import dev.s3proc.cli.testing.RequestCounter;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditRecord.Status;
import dev.s3proc.core.audit.AuditSchema;
import dev.s3proc.core.audit.AuditTrail;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;

/**
 * status on moto, over the reference pipeline as rules apply makes it and a trail written by the
 * handlers' own writer: healthy exits 0; a missed latency target, a firing alarm or a missing queue
 * exits 1 and says which; never a Scan.
 */
@ExtendWith(Moto.class)
class StatusIT {
  static final Path PIPELINE = Path.of("../config/pipeline.yaml");
  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  static final String JPG = "s3proc.media-ingest.process-images-jpg";
  ClientFactory aws;
  AuditTrail trail;
  final Cli cli = new Cli();

  @BeforeEach
  void setUp() {
    aws = Moto.clients();
    RequestCounter.reset();
  }

  @AfterEach
  void noScanEver() {
    assertThat(RequestCounter.count("DynamoDb.Scan")).as("a Scan of the audit table").isZero();
    aws.close();
  }

  Cli.Result s3proc(String... args) {
    return Moto.run(cli, args);
  }

  void apply() {
    aws.s3().createBucket(r -> r.bucket("terminus-uploads"));
    aws.s3().createBucket(r -> r.bucket("terminus-processed"));
    aws.s3().createBucket(r -> r.bucket("terminus-quarantine"));
    Cli.Result apply = s3proc("rules", "apply", "-f", PIPELINE.toString(), "--yes");
    assertThat(apply.exitCode()).as(apply.toString()).isZero();
    trail = new AuditTrail(aws.dynamoDb(), "s3proc-audit", Duration.ofDays(90));
  }

  /** One file processed: uploaded {@code latencyMs} before it was done, a few minutes ago. */
  void processed(String key, Status status, long latencyMs, String workflow) {
    Instant finished = NOW.minus(Duration.ofMinutes(5));
    trail.put(
        new AuditRecord(
            "terminus-uploads",
            key,
            null,
            1000L,
            "etag",
            "s3:ObjectCreated:Put",
            finished.minusMillis(latencyMs),
            null,
            workflow,
            "image",
            status,
            1,
            UUID.randomUUID().toString(),
            finished.minusMillis(800),
            finished,
            800L,
            800L,
            1769,
            "x86_64",
            "req",
            status == Status.SUCCEEDED ? List.of("s3://terminus-processed/x/" + key) : List.of(),
            status == Status.FAILED ? "CORRUPT" : null,
            status == Status.FAILED ? "not a jpeg" : null,
            1000L,
            0L,
            Map.of("lambda", 1L, "sqs", 1L, "dynamoWrite", 3L, "s3Get", 1L, "s3Put", 2L),
            Map.of(),
            null,
            status == Status.FAILED ? Boolean.FALSE : null,
            null));
  }

  @Test
  void aHealthyPipelineSaysSoAndExitsZero() {
    apply();
    for (int i = 0; i < 20; i++) {
      processed("uploads/images/p" + i + ".jpg", Status.SUCCEEDED, 1500 + i * 100, JPG);
    }
    processed("uploads/images/gone.jpg", Status.DELETED, 1000, JPG); // a removal is not a file

    Cli.Result r = s3proc("status", "-f", PIPELINE.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("media-ingest from ", ": healthy")
        .containsPattern("process-images-jpg +queue image-processing +20 +0 +100.00%")
        .containsPattern("image-processing +\\d+ +0 +- +image-processing-dlq +0")
        .contains("alarms in ALARM: none");
    assertThat(r.err()).contains("oldest-message age: CloudWatch has no AWS/SQS data");
  }

  @Test
  void aMissedTargetAFiringAlarmAndDeadLettersExitOneSayingWhich() {
    apply();
    for (int i = 0; i < 10; i++) {
      processed("uploads/images/slow" + i + ".jpg", Status.SUCCEEDED, 45_000, JPG);
    }
    processed(
        "uploads/documents/q.pdf",
        Status.SUCCEEDED,
        2_000,
        "s3proc.media-ingest.process-documents");
    String dlq = aws.sqs().getQueueUrl(r -> r.queueName("image-processing-dlq")).queueUrl();
    aws.sqs().sendMessage(r -> r.queueUrl(dlq).messageBody("{}"));
    aws.cloudWatch()
        .setAlarmState(
            r ->
                r.alarmName("s3proc.media-ingest.image-processing-dlq.depth")
                    .stateValue(StateValue.ALARM)
                    .stateReason("1 message in the DLQ"));

    Cli.Result r = s3proc("status", "-f", PIPELINE.toString());
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertThat(r.out())
        .contains(": 2 targets missed")
        .contains("upload-to-done p99 45.0 s is over the 30 s target (process-images-jpg)")
        .contains("1 alarm in ALARM: s3proc.media-ingest.image-processing-dlq.depth")
        .containsPattern("image-processing +\\d+ +0 +- +image-processing-dlq +1");

    Cli.Result json = s3proc("status", "-f", PIPELINE.toString(), "-o", "json");
    assertThat(json.exitCode()).isEqualTo(1);
    assertThat(json.out())
        .contains("\"healthy\" : false", "\"latencyP99Ms\" : 45000", "\"dlqDepth\" : 1")
        .doesNotContain("\u001b[");
  }

  @Test
  void aPipelineNotAppliedIsAMissedTarget() {
    aws.dynamoDb().createTable(AuditSchema.createTable("s3proc-audit"));
    Cli.Result r = s3proc("status", "-f", PIPELINE.toString(), "--since", "2h");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.out())
        .contains("queue image-processing does not exist: run s3proc rules apply")
        .containsPattern("image-processing +missing");
  }

  @Test
  void badOptionsAreUsageErrors() {
    Cli.Result r = s3proc("status", "-f", PIPELINE.toString(), "--watch", "--interval", "0s");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--interval 0s is under 1s");
    Cli.Result missing = s3proc("status", "-f", "no-such.yaml");
    assertThat(missing.exitCode()).isEqualTo(3);
  }
}
