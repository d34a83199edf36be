package dev.s3proc.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code topics:} and {@code quarantine:} as {@code rules validate} checks them. */
class FanOutSectionTest {
  private static final String PIPELINE =
      """
      pipeline: media-ingest
      region: us-east-1
      buckets:
        - name: terminus-uploads
          rules:
            - id: compliance
              events: [s3:ObjectCreated:*]
              filter: { prefix: uploads/compliance/ }
              target: { topic: compliance-fanout }
      queues:
        compliance-scan:
          processor: scan
          dlq: { name: compliance-scan-dlq }
        compliance-pii:
          processor: pii
          dlq: { name: compliance-pii-dlq }
        more-pii:
          processor: pii
          dlq: { name: more-pii-dlq }
        tap:
          dlq: { name: tap-dlq }
      outputs: { bucket: terminus-processed }
      """;

  private static PipelineLoader.Result load(String tail) {
    return PipelineLoader.parse("p.yaml", PIPELINE + tail);
  }

  private static List<String> errors(String tail) {
    return load(tail).errors().stream().map(Diagnostic::format).toList();
  }

  @Test
  void aReportingTopicWithAQuarantineIsValid() {
    PipelineLoader.Result r =
        load(
            """
            topics:
              compliance-fanout:
                subscribers: [compliance-scan, compliance-pii]
                report: true
            quarantine: { bucket: terminus-quarantine, prefix: infected/, removeOriginal: false }
            """);
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings()).isEmpty();
    PipelineConfig c = r.config();
    assertThat(c.topics().get("compliance-fanout").report()).isTrue();
    assertThat(c.reportSubscribers(c.queues().get("compliance-pii")))
        .containsExactly("scan", "pii");
    assertThat(c.reportSubscribers(c.queues().get("more-pii"))).isEmpty();
    assertThat(c.quarantine())
        .isEqualTo(
            new PipelineConfig.Quarantine(
                "terminus-quarantine", "infected/", false, c.quarantine().position()));
  }

  @Test
  void subscribersMustBeQueuesWithDlqsListedOnce() {
    assertThat(
            errors(
                """
                topics:
                  compliance-fanout:
                    subscribers: [compliance-pi, compliance-scan, compliance-scan]
                    rawDelivery: maybe
                  done.fifo:
                    subscribers: [compliance-scan]
                """))
        .anySatisfy(
            e -> assertThat(e).contains("p.yaml:").contains("(did you mean compliance-pii?)"))
        .anySatisfy(e -> assertThat(e).contains("subscriber compliance-scan is listed twice"))
        .anySatisfy(e -> assertThat(e).contains("rawDelivery"))
        .anySatisfy(e -> assertThat(e).contains("topic done.fifo").contains(".fifo"));
  }

  @Test
  void aReportNeedsOneNamedProcessorPerSubscriber() {
    assertThat(
            errors(
                """
                topics:
                  compliance-fanout:
                    subscribers: [compliance-pii, more-pii, tap]
                    report: true
                """))
        .anySatisfy(
            e ->
                assertThat(e)
                    .containsPattern("^p\\.yaml:\\d+:\\d+: error: topic compliance-fanout: ")
                    .contains("pii consumes two of them, whose answers the report could not tell"))
        .anySatisfy(
            e -> assertThat(e).contains("needs every subscriber to name its processor; tap"));
  }

  @Test
  void theQuarantineNeedsABucketNoRuleWatchesOutsideTheOutputs() {
    String topic =
        """
        topics:
          compliance-fanout:
            subscribers: [compliance-scan]
        """;
    assertThat(errors(topic + "quarantine: { prefix: infected/ }\n"))
        .singleElement()
        .asString()
        .contains("quarantine: missing 'bucket'");
    assertThat(errors(topic + "quarantine: { bucket: terminus-uploads, prefix: uploads/ }\n"))
        .singleElement()
        .asString()
        .contains("s3://terminus-uploads/uploads/ is where rule compliance fires");
    assertThat(errors(topic + "quarantine: { bucket: terminus-processed }\n"))
        .singleElement()
        .asString()
        .contains("s3://terminus-processed/quarantine/ is inside the output location");
    assertThat(errors(topic + "quarantine: { bucket: Bad_Bucket }\n"))
        .singleElement()
        .asString()
        .contains("invalid bucket name");
    assertThat(load(topic).warnings())
        .singleElement()
        .extracting(Diagnostic::format)
        .asString()
        .contains("infected uploads are tagged and stay where they are");
  }
}
