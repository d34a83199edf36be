package dev.s3proc.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every check of {@code rules validate}, each with its message and its file:line:col. */
class PipelineLoaderTest {

  private static final String HEAD =
      """
      pipeline: media-ingest
      region: us-east-1
      """;

  private static PipelineLoader.Result load(String yaml) {
    return PipelineLoader.parse("p.yaml", yaml);
  }

  private static List<String> errors(String yaml) {
    return load(yaml).errors().stream().map(Diagnostic::format).toList();
  }

  private static String oneBucket(String rules) {
    return HEAD
        + """
        buckets:
          - name: terminus-uploads
            rules:
        """
        + rules.indent(6);
  }

  @Test
  void theReferencePipelineIsValid() {
    PipelineLoader.Result r = PipelineLoader.load(Path.of("../config/pipeline.yaml"));
    assertThat(r.errors()).isEmpty();
    assertThat(r.config().pipeline()).isEqualTo("media-ingest");
    assertThat(r.config().buckets().get(0).rules()).hasSize(5);
    assertThat(r.config().queues().get("document-processing").dlq().maxReceiveCount()).isEqualTo(5);
    assertThat(r.config().buckets().get(0).workflowRules())
        .singleElement()
        .satisfies(w -> assertThat(w.workflow()).isEqualTo("video"));
    PipelineConfig.Workflow video = r.config().workflows().get("video");
    assertThat(video.queue()).isEqualTo("video-steps");
    assertThat(video.heavyQueue()).isEqualTo("video-heavy");
    assertThat(video.heavyAboveBytes()).isEqualTo(1L << 30);
    assertThat(video.definition()).contains("${LightQueueUrl}", "waitForTaskToken");
    // metadata leads to the transcode (on either queue); the transcode leads only to the notice
    assertThat(video.finalSteps()).containsExactly("transcode");
    var chain =
        new PipelineConfig.Workflow(
            "w",
            "w.json",
            """
            {"StartAt": "A", "States": {
              "A": {"Type": "Task", "Parameters": {"MessageBody": {"step": "a"}}, "Next": "C",
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "B"}]},
              "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Next": "B"}],
                    "Default": "D"},
              "B": {"Type": "Task", "Parameters": {"MessageBody": {"step": "b"}}, "End": true},
              "D": {"Type": "Task", "Parameters": {"MessageBody": {"step": "d"}}, "Next": "E"},
              "E": {"Type": "Succeed"}}}
            """,
            "q",
            "q",
            1,
            java.time.Duration.ofSeconds(5),
            null);
    assertThat(chain.finalSteps()).containsExactly("b", "d");
  }

  /** A pipeline file in a folder with a state machine beside it, loaded from disk. */
  private static List<String> workflowErrors(
      Path dir, String bucketExtra, String workflow, String asl) throws java.io.IOException {
    java.nio.file.Files.writeString(dir.resolve("video.asl.json"), asl);
    String yaml =
        HEAD
            + """
            buckets:
              - name: terminus-uploads
            """
            + bucketExtra.indent(4)
            + """
                rules:
                  - id: videos
                    events: [s3:ObjectCreated:*]
                    filter: { prefix: uploads/videos/ }
                    target: { workflow: video }
            queues:
              video-steps: { processor: video, dlq: {} }
              undead: { processor: video }
            results: { topic: processing-results }
            outputs: { bucket: terminus-processed }
            workflows:
            """
            + workflow.indent(2);
    Path file = dir.resolve("p.yaml");
    java.nio.file.Files.writeString(file, yaml);
    return PipelineLoader.load(file).errors().stream()
        .map(d -> d.format().replace(dir + "/", ""))
        .toList();
  }

  private static final String ASL =
      """
      {"StartAt": "A", "States": {"A": {"Type": "Task",
        "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        "Parameters": {"QueueUrl": "${LightQueueUrl}"}, "End": true}}}
      """;

  @Test
  void aWorkflowRuleNeedsEventBridgeAKnownWorkflowAndAValidStateMachine(
      @org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
    assertThat(
            workflowErrors(
                dir,
                "eventBridge: true",
                "video: { definition: video.asl.json, queue: video-steps }",
                ASL))
        .isEmpty();
    assertThat(
            workflowErrors(
                dir,
                "eventBridge: false",
                "video: { definition: video.asl.json, queue: video-steps }",
                ASL))
        .singleElement()
        .asString()
        .contains("rule videos starts a workflow, which S3 can only reach through EventBridge")
        .contains("eventBridge: true");
    assertThat(
            workflowErrors(
                dir,
                "eventBridge: true",
                "movies: { definition: video.asl.json, queue: video-steps }",
                ASL))
        .singleElement()
        .asString()
        .contains("workflow 'video' is not under workflows: (there: movies)");
    assertThat(
            workflowErrors(
                dir,
                "eventBridge: true",
                "video: { definition: video.asl.json, queue: video-steps }",
                ASL.replace("${LightQueueUrl}", "${QueueUrl}")))
        .singleElement()
        .asString()
        .startsWith("p.yaml:")
        .contains("uses ${QueueUrl}, which s3proc does not fill");
    assertThat(
            workflowErrors(
                dir,
                "eventBridge: true",
                "video: { definition: video.asl.json, queue: undead }",
                ASL))
        .singleElement()
        .asString()
        .contains("queue undead has no dlq: a workflow dead-letters the files it fails for good")
        .contains("add dlq: { name: undead-dlq }");
    assertThat(
            workflowErrors(
                dir,
                "eventBridge: true",
                "video: { definition: video.asl.json, queue: video-steps }",
                "{\"StartAt\": "))
        .singleElement()
        .asString()
        .contains("definition video.asl.json is not valid JSON");
    assertThat(
            workflowErrors(
                dir,
                "eventBridge: true",
                "video: { definition: missing.json, queue: nowhere, heavyAbove: lots }",
                ASL))
        .anySatisfy(e -> assertThat(e).contains("missing.json does not exist"))
        .anySatisfy(e -> assertThat(e).contains("queue nowhere is not under queues:"))
        .anySatisfy(
            e -> assertThat(e).contains("heavyAbove 'lots' is not a size such as 500MB or 1GB"));
  }

  @Test
  void aWorkflowStartsOnlyOnCreatedOrRestoredObjects() {
    String yaml =
        oneBucket(
            """
            - id: videos
              events: [s3:ObjectRemoved:*]
              target: { workflow: video }
            """);
    assertThat(errors(yaml))
        .anySatisfy(
            e ->
                assertThat(e)
                    .contains("starts a workflow on s3:ObjectRemoved:*")
                    .contains("s3:ObjectCreated:* or s3:ObjectRestore:Completed only"));
  }

  @Test
  void yamlSyntaxErrorHasItsLineAndColumn() {
    assertThat(errors("pipeline: x\nregion: [us-east-1\nbuckets: []\n"))
        .singleElement()
        .asString()
        .startsWith("p.yaml:3:")
        .contains("YAML syntax");
  }

  @Test
  void emptyFileAndNonMappingTopLevelAreErrors() {
    assertThat(errors("")).singleElement().asString().contains("the file is empty");
    assertThat(errors("# only a comment\n"))
        .singleElement()
        .asString()
        .contains("the file is empty");
    assertThat(errors("- a\n- b\n"))
        .singleElement()
        .asString()
        .isEqualTo(
            "p.yaml:1:1: error: the top level must be a mapping with keys such as 'pipeline:', 'region:' and 'buckets:', not a list");
  }

  @Test
  void unknownKeySuggestsTheNearestOne() {
    String yaml =
        HEAD
            + """
        buckets: []
        queues:
          q:
            visibilityTimout: 30s
        """;
    assertThat(errors(yaml))
        .singleElement()
        .asString()
        .isEqualTo(
            "p.yaml:6:5: error: queue q: unknown key 'visibilityTimout': did you mean 'visibilityTimeout'? expected one of consumer, dlq, processor, retention, visibilityTimeout");
  }

  @Test
  void unknownEventNamesTheFullList() {
    List<String> e =
        errors(
            oneBucket(
                """
        - id: r1
          events: [s3:ObjectCreated:Puts]
          target: { queue: q }
        """));
    assertThat(e)
        .singleElement()
        .asString()
        .startsWith(
            "p.yaml:7:18: error: rule r1: unknown S3 event 's3:ObjectCreated:Puts': did you mean s3:ObjectCreated:Put?")
        .contains(
            "s3:ObjectRestore:Completed",
            "s3:LifecycleExpiration:DeleteMarkerCreated",
            "s3:ObjectAcl:Put");
  }

  @Test
  void overlappingRulesNameBothRules() {
    List<String> e =
        errors(
            oneBucket(
                """
        - id: all-uploads
          events: [s3:ObjectCreated:*]
          filter: { prefix: uploads/ }
          target: { queue: q }
        - id: images
          events: [s3:ObjectCreated:Put]
          filter: { prefix: uploads/images/, suffix: .jpg }
          target: { queue: q }
        """));
    assertThat(e)
        .singleElement()
        .asString()
        .startsWith(
            "p.yaml:10:9: error: rule images: overlaps rule all-uploads (line 6) on s3:ObjectCreated:Put")
        .contains("S3 rejects");
  }

  @Test
  void samePrefixWithDifferentSuffixesAndDisjointEventsAreValid() {
    PipelineLoader.Result r =
        load(
            oneBucket(
                """
        - id: jpg
          events: [s3:ObjectCreated:*]
          filter: { prefix: uploads/images/, suffix: .jpg }
          target: { queue: q }
        - id: png
          events: [s3:ObjectCreated:*]
          filter: { prefix: uploads/images/, suffix: .png }
          target: { queue: q }
        - id: deleted
          events: [s3:ObjectRemoved:*]
          filter: { prefix: uploads/images/, suffix: .png }
          target: { queue: q }
        """));
    assertThat(r.errors()).isEmpty();
  }

  @Test
  void wildcardInFilterIsAnError() {
    assertThat(
            errors(
                oneBucket(
                    """
        - id: r1
          events: [s3:ObjectCreated:*]
          filter: { prefix: uploads/, suffix: "*.jpg" }
          target: { queue: q }
        """)))
        .singleElement()
        .asString()
        .startsWith("p.yaml:8:45: error: rule r1: filter suffix '*.jpg' contains a wildcard");
  }

  @Test
  void fifoTargetsPointToEventBridge() {
    List<String> e =
        errors(
            oneBucket(
                """
        - id: docs
          events: [s3:ObjectCreated:*]
          filter: { prefix: a/ }
          target: { queue: documents.fifo }
        - id: fan
          events: [s3:ObjectCreated:*]
          filter: { prefix: b/ }
          target: { topic: "arn:aws:sns:us-east-1:123456789012:fan.fifo" }
        """));
    assertThat(e).hasSize(2);
    assertThat(e.get(0))
        .startsWith(
            "p.yaml:9:26: error: rule docs: S3 cannot deliver event notifications to a FIFO queue (documents.fifo)")
        .contains("eventBridge");
    assertThat(e.get(1))
        .contains("rule fan: S3 cannot deliver event notifications to a FIFO topic (fan.fifo)");
  }

  @Test
  void aRuleNeedsExactlyOneTarget() {
    List<String> e =
        errors(
            oneBucket(
                """
        - id: two
          events: [s3:ObjectCreated:*]
          filter: { prefix: a/ }
          target: { queue: q, topic: t }
        - id: none
          events: [s3:ObjectCreated:*]
          filter: { prefix: b/ }
        """));
    assertThat(e)
        .containsExactly(
            "p.yaml:9:17: error: rule two: target must name exactly one of queue, topic or lambda, found queue and topic: split it into one rule per target, with different filters or events",
            "p.yaml:10:9: error: rule none: missing 'target': give exactly one of queue, topic or lambda");
  }

  @Test
  void malformedArnAndTopicInAnotherRegion() {
    List<String> e =
        errors(
            oneBucket(
                """
        - id: bad-arn
          events: [s3:ObjectCreated:*]
          filter: { prefix: a/ }
          target: { queue: "arn:aws:sqs:us-east-1:12345:q" }
        - id: far-topic
          events: [s3:ObjectCreated:*]
          filter: { prefix: b/ }
          target: { topic: "arn:aws:sns:eu-west-1:123456789012:t" }
        """));
    assertThat(e).hasSize(2);
    assertThat(e.get(0))
        .startsWith(
            "p.yaml:9:26: error: rule bad-arn: malformed ARN 'arn:aws:sqs:us-east-1:12345:q'");
    assertThat(e.get(1))
        .startsWith(
            "p.yaml:13:26: error: rule far-topic: the topic is in eu-west-1 but the bucket is in us-east-1");
  }

  @Test
  void invalidBucketNameAndDuplicateRuleIds() {
    String yaml =
        HEAD
            + """
        buckets:
          - name: Terminus_Uploads
            rules:
              - id: r1
                events: [s3:ObjectCreated:*]
                filter: { prefix: a/ }
                target: { queue: q }
              - id: r1
                events: [s3:ObjectCreated:*]
                filter: { prefix: b/ }
                target: { queue: q }
        """;
    assertThat(errors(yaml))
        .containsExactly(
            "p.yaml:4:11: error: bucket Terminus_Uploads: invalid bucket name: it may hold only lowercase letters, digits, dots and hyphens, and must begin and end with a letter or digit",
            "p.yaml:10:9: error: rule r1: duplicate rule id (first used at line 6): rule ids must be unique in a pipeline");
  }

  @Test
  void queueChecksVisibilityRetentionAndDlq() {
    String yaml =
        HEAD
            + """
        buckets: []
        queues:
          documents:
            visibilityTimeout: 5m
            retention: 15d
            consumer: { timeout: 5m }
            dlq: { name: documents-dlq, maxReceiveCount: 0, retention: 1d }
        """;
    List<String> e = errors(yaml);
    assertThat(e)
        .containsExactly(
            "p.yaml:6:24: error: queue documents: visibilityTimeout 5m is under 6x the consumer timeout 5m: a message would reappear while still being processed; set visibilityTimeout to at least 30m",
            "p.yaml:7:16: error: queue documents: retention 15d is over SQS's maximum of 14d",
            "p.yaml:9:50: error: queue documents: dlq maxReceiveCount 0 must be between 1 and 1000",
            "p.yaml:9:64: error: queue documents: dlq retention 1d is shorter than the queue's 14d: SQS keeps a message's original enqueue time, so it could expire in the DLQ before anyone sees it; make the dlq retention at least 14d (14d is usual)");
  }

  @Test
  void lowMaxReceiveCountIsOnlyAWarning() {
    String yaml =
        HEAD
            + """
        buckets: []
        queues:
          q:
            dlq: { maxReceiveCount: 3 }
        """;
    PipelineLoader.Result r = load(yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings())
        .singleElement()
        .extracting(Diagnostic::format)
        .asString()
        .startsWith("p.yaml:6:29: warning: queue q: dlq maxReceiveCount 3 is under 5");
    assertThat(r.config().queues().get("q").dlq().name()).isEqualTo("q-dlq");
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String yaml =
        """
        pipeline: media ingest
        region: mars-1
        buckets:
          - name: ab
            rules:
              - id: r1
                events: [s3:ObjectCreated]
                target: { queue: q }
        """;
    assertThat(errors(yaml)).hasSize(4);
  }

  @Test
  void ruleMatchingFollowsPrefixSuffixAndEvent() {
    var config =
        load(oneBucket(
                """
        - id: jpg
          events: [s3:ObjectCreated:*]
          filter: { prefix: uploads/images/, suffix: .jpg }
          target: { queue: q }
        """))
            .config();
    var rule = config.buckets().get(0).rules().get(0);
    assertThat(rule.matches("s3:ObjectCreated:Put", "uploads/images/cat.jpg")).isTrue();
    assertThat(rule.matches("s3:ObjectCreated:Put", "uploads/images/cat.png")).isFalse();
    assertThat(rule.matches("s3:ObjectRemoved:Delete", "uploads/images/cat.jpg")).isFalse();
  }

  @Test
  void diagnosticsAreListedInFileOrderWithFileLevelOnesFirst() {
    List<String> found =
        errors(
            """
            pipeline: x
            buckets:
              - name: terminus-uploads
                rules:
                  - id: a
                    evnts: [s3:ObjectCreated:*]
            """);
    assertThat(found).first().asString().startsWith("p.yaml:1:1: error: missing 'region'");
    assertThat(found.stream().map(e -> Integer.parseInt(e.split(":")[1])).toList())
        .as(String.join("\n", found))
        .isSorted();
  }

  // ---- the loop guard --------------------------------------------------------------------

  /** The issue's runaway: outputs beside the uploads, and a rule with no filter. */
  @Test
  void aRuleThatFiresOnTheProcessorsOutputsIsRejectedWithItsLine() {
    String yaml =
        oneBucket(
                """
                - id: everything
                  events: [s3:ObjectCreated:*]
                  target: { queue: image-processing }
                """)
            + """
            queues:
              image-processing: { processor: image, dlq: {} }
            """;
    assertThat(errors(yaml))
        .singleElement()
        .asString()
        .startsWith("p.yaml:6:9: error: rule everything: fires on the processors' own outputs")
        .contains("s3://terminus-uploads/processed/thumbnails/…/w256.jpg on s3:ObjectCreated:*")
        .contains("outputs: { bucket: NAME }");
  }

  @Test
  void aRuleOnTheOutputPrefixOrTheOutputBucketIsALoopButOneOutsideIsNot() {
    String queues = "queues:\n  image-processing: { processor: image, dlq: {} }\n";
    String onPrefix =
        """
        - id: processed-too
          events: [s3:ObjectCreated:Put]
          filter: { prefix: processed/ }
          target: { queue: image-processing }
        """;
    assertThat(errors(oneBucket(onPrefix) + queues))
        .singleElement()
        .asString()
        .contains("rule processed-too: fires on the processors' own outputs");
    String noOutputCanMatch =
        """
        - id: pdfs-anywhere
          events: [s3:ObjectCreated:*]
          filter: { suffix: .pdf }
          target: { queue: image-processing }
        """;
    assertThat(errors(oneBucket(noOutputCanMatch) + queues)).isEmpty();

    String separate =
        HEAD
            + """
            outputs: { bucket: terminus-processed }
            buckets:
              - name: terminus-uploads
                rules:
                  - id: all-uploads
                    events: [s3:ObjectCreated:*]
                    target: { queue: image-processing }
              - name: terminus-processed
                rules:
                  - id: reprocess
                    events: [s3:ObjectCreated:*]
                    filter: { suffix: .jpg }
                    target: { queue: image-processing }
            """
            + queues;
    assertThat(errors(separate))
        .singleElement()
        .asString()
        .startsWith("p.yaml:12:9: error: rule reprocess: fires on the processors' own outputs")
        .contains("every object in terminus-processed is an output");
  }

  @Test
  void aRuleOnTheOutputsFeedingAQueueNoProcessorConsumesIsAWarning() {
    String yaml =
        HEAD
            + """
            outputs: { bucket: terminus-processed }
            buckets:
              - name: terminus-processed
                rules:
                  - id: publish-outputs
                    events: [s3:ObjectCreated:*]
                    target: { queue: downstream }
            queues:
              downstream: { dlq: {} }
            """;
    PipelineLoader.Result r = load(yaml);
    assertThat(r.errors()).isEmpty();
    assertThat(r.warnings())
        .extracting(Diagnostic::format)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("rule publish-outputs: can fire on the processors' outputs")
                    .contains("queue downstream (not an s3proc processor)"));
  }

  @Test
  void outputsNeedAValidBucketAndAPrefixWhereRulesWatch() {
    String yaml =
        HEAD
            + """
            outputs: { bucket: Bad_Bucket }
            buckets: []
            """;
    assertThat(errors(yaml)).singleElement().asString().contains("outputs: invalid bucket name");
    String noPrefix =
        oneBucket(
                """
                - id: images
                  events: [s3:ObjectCreated:*]
                  filter: { prefix: uploads/ }
                  target: { queue: q }
                """)
            + "outputs: { bucket: terminus-uploads }\nqueues:\n  q: { processor: image, dlq: {} }\n";
    assertThat(errors(noPrefix))
        .singleElement()
        .asString()
        .contains("rule images: fires on the processors' own outputs")
        .contains("every object in terminus-uploads is an output");
  }

  @Test
  void resultsNameAStandardTopic() {
    PipelineLoader.Result ok = load(HEAD + "buckets: []\nresults: { topic: processing-results }\n");
    assertThat(ok.errors()).isEmpty();
    assertThat(ok.config().results().topic()).isEqualTo("processing-results");
    assertThat(load(HEAD + "buckets: []\n").config().results().topic()).isNull();
    assertThat(errors(HEAD + "buckets: []\nresults: { topic: done.fifo }\n"))
        .singleElement()
        .asString()
        .contains("results: topic 'done.fifo' must be a standard topic's name")
        .contains("FIFO");
    assertThat(errors(HEAD + "buckets: []\nresults: { queue: done }\n"))
        .singleElement()
        .asString()
        .contains("results")
        .contains("queue");
  }

  @Test
  void aProcessorIsSentOnlyEventsItCanActOn() {
    String yaml =
        oneBucket(
                """
                - id: images
                  events: [s3:ObjectCreated:*, s3:ObjectRemoved:*, s3:ObjectRestore:*, s3:Replication:*]
                  filter: { prefix: uploads/ }
                  target: { queue: q }
                - id: tags
                  events: [s3:ObjectTagging:*]
                  filter: { prefix: tagged/ }
                  target: { queue: q }
                - id: audit-tags
                  events: [s3:ObjectTagging:*]
                  filter: { prefix: audit/ }
                  target: { queue: plain }
                """)
            + "outputs: { bucket: terminus-processed }\n"
            + "queues:\n  q: { processor: image, dlq: {} }\n  plain: { dlq: {} }\n";
    assertThat(errors(yaml))
        .singleElement()
        .asString()
        .contains(
            "rule tags: sends s3:ObjectTagging:* to queue q, whose processor image cannot act on it")
        .contains(
            "ObjectCreated, ObjectRemoved, LifecycleExpiration, ObjectRestore and Replication");
  }

  @Test
  void aHugeFileOrScalarIsOneLineNotMinutes(@org.junit.jupiter.api.io.TempDir Path tmp)
      throws Exception {
    Path huge = tmp.resolve("huge.yaml");
    java.nio.file.Files.writeString(huge, "pipeline: x\n" + "#".repeat(300_000));
    assertThat(PipelineLoader.load(huge).errors())
        .extracting(Diagnostic::format)
        .singleElement()
        .asString()
        .endsWith(
            "the file is over 256 KiB, and a configuration file is a few kilobytes: is it the right file?");
    String scalar = HEAD + "buckets: []\naudit: { table: " + "a".repeat(200_000) + " }\n";
    assertThat(errors(scalar))
        .singleElement()
        .asString()
        .hasSizeLessThan(200)
        .contains("found a value of 200000 characters (no setting takes more than 1024)");
    Path binary = tmp.resolve("binary.yaml");
    java.nio.file.Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertThat(PipelineLoader.load(binary).errors())
        .extracting(Diagnostic::format)
        .singleElement()
        .asString()
        .contains("not UTF-8 text");
  }
}
