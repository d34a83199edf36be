package dev.s3proc.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.s3proc.core.config.OutputKeys;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * What config/template.yaml deploys, read as YAML nodes (CloudFormation's !Ref and !Sub tags need
 * no resolving to be checked): least privilege for every function, and the runtime the local runner
 * runs the handlers on.
 */
class TemplateTest {
  static MappingNode resources;
  static MappingNode globals;

  @BeforeAll
  static void read() throws Exception {
    try (Reader r = Files.newBufferedReader(Path.of("../config/template.yaml"))) {
      MappingNode root = (MappingNode) new Yaml().compose(r);
      resources = (MappingNode) get(root, "Resources").orElseThrow();
      globals = (MappingNode) get(root, "Globals").orElseThrow();
    }
  }

  /** Every jar function runs on the Java the local runner runs (the scan image brings its own). */
  @Test
  void theLocalRunnerRunsTheHandlersOnTheJavaTheTemplateDeploys() {
    int jars = 0;
    for (NodeTuple t : resources.getValue()) {
      Node r = t.getValueNode();
      if (get(r, "Properties", "CodeUri").isPresent()) {
        jars++;
        assertThat(get(r, "Properties", "Runtime").map(TemplateTest::text))
            .as(text(t.getKeyNode()))
            .contains("java" + HandlerJava.DEPLOYED);
      }
    }
    assertThat(jars).isEqualTo(5);
  }

  @Test
  void everyFunctionHasOnlyWhatItUses() {
    List<String> functions = new ArrayList<>();
    java.util.Map<String, List<String>> puts = new java.util.HashMap<>();
    java.util.Map<String, List<String>> expectedPuts = new java.util.HashMap<>();
    for (NodeTuple t : resources.getValue()) {
      MappingNode resource = (MappingNode) t.getValueNode();
      if (!"AWS::Serverless::Function".equals(text(get(resource, "Type").orElseThrow()))) {
        continue;
      }
      String name = text(t.getKeyNode());
      functions.add(name);
      boolean answers =
          flatten(get(resource, "Properties", "Environment").orElse(resource))
              .contains("REPORT_SUBSCRIBERS");
      SequenceNode policies = (SequenceNode) get(resource, "Properties", "Policies").orElseThrow();
      for (Node policy : policies.getValue()) {
        assertThat(keys((MappingNode) policy))
            .as(name + ": SAM policy templates such as S3CrudPolicy grant far more than it uses")
            .containsExactly("Statement");
        for (Node statement : ((SequenceNode) get(policy, "Statement").orElseThrow()).getValue()) {
          List<String> actions = scalars(get(statement, "Action").orElseThrow());
          String target = flatten(get(statement, "Resource").orElseThrow());
          assertThat(actions).as(name).noneMatch(a -> a.contains("*"));
          assertThat(actions)
              .as(name + " may not scan or delete the trail")
              .doesNotContain("dynamodb:Scan", "dynamodb:DeleteItem");
          String sid = get(statement, "Sid").map(TemplateTest::text).orElse("");
          if (sid.equals("QuarantineInfectedUploads")) {
            // the one delete of an upload: the scanner removing an infected one
            assertThat(name).isEqualTo("ScanFunction");
            assertThat(target).matches(".*\\$\\{UploadBucket}/uploads/compliance/\\*.*");
            continue;
          }
          if (target.contains("SignaturesBucket") || target.contains("QuarantineBucket")) {
            assertThat(name).isIn("ScanFunction", "SignatureUpdateFunction");
            continue;
          }
          if (actions.contains("s3:DeleteObject")) {
            assertThat(actions)
                .as(name + " deletes only what it may write: its own outputs")
                .contains("s3:PutObject");
          }
          if (actions.contains("s3:GetObject")) {
            assertThat(target).as(name).matches(".*\\$\\{UploadBucket}/uploads/[a-z]+/\\*.*");
          }
          if (actions.contains("s3:PutObject")) {
            String processor = processor(resource);
            puts.computeIfAbsent(name, k -> new ArrayList<>())
                .addAll(scalars(get(statement, "Resource").orElseThrow()));
            expectedPuts.put(
                name,
                java.util.stream.Stream.concat(
                        OutputKeys.FOLDERS.get(processor).stream(),
                        // the last subscriber to answer writes the compliance report, and
                        // withdraws the pii findings of an infected upload
                        answers
                            ? java.util.stream.Stream.of("compliance/", "pii/")
                            : java.util.stream.Stream.empty())
                    .distinct()
                    .map(f -> "${ProcessedBucket.Arn}/" + f + "*")
                    .toList());
          }
          if (actions.stream().anyMatch(a -> a.startsWith("dynamodb:"))) {
            assertThat(actions)
                .containsExactlyInAnyOrder(
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:UpdateItem",
                    "dynamodb:Query");
            assertThat(flatten(get(statement, "Condition").orElseThrow()))
                .contains("dynamodb:LeadingKeys");
          }
          if (actions.stream().anyMatch(a -> a.startsWith("sns:"))) {
            assertThat(actions)
                .as(name + " announces results, nothing more")
                .containsExactly("sns:Publish");
            assertThat(target).as(name).isEqualTo("ResultsTopic");
          }
          if (actions.contains("sqs:SendMessage")) {
            assertThat(target).as(name + " sends to its own DLQ only").contains("Dlq");
          }
        }
      }
    }
    expectedPuts.forEach(
        (name, expected) ->
            assertThat(puts.get(name))
                .as(name + " may put exactly where its processor writes")
                .containsExactlyInAnyOrderElementsOf(expected));
    assertThat(functions)
        .containsExactly(
            "ImageFunction",
            "DocumentFunction",
            "ValidateFunction",
            "PiiFunction",
            "ScanFunction",
            "SignatureUpdateFunction",
            "VideoFunction");
    assertThat(flatten(get(globals, "Function", "Environment").orElseThrow()))
        .contains("OUTPUT_BUCKET", "ProcessedBucket", "MAX_RECEIVE_COUNT", "RESULTS_TOPIC_ARN");
    assertThat(flatten(get(resources, "ResultsTopic").orElseThrow()))
        .contains("AWS::SNS::Topic", "ResultsTopicName");
  }

  @Test
  void everyFunctionIsWatchedAndBoundedAsTheSeedAsks() {
    assertThat(flatten(get(globals, "Function", "ReservedConcurrentExecutions").orElseThrow()))
        .isEqualTo("ReservedConcurrency");
    assertThat(flatten(get(globals, "Function", "Tracing").orElseThrow())).isEqualTo("Tracing");
    List<String> alarmed = new ArrayList<>();
    for (NodeTuple t : resources.getValue()) {
      Node resource = t.getValueNode();
      String type = text(get(resource, "Type").orElseThrow());
      if (type.equals("AWS::Serverless::Function")) {
        for (NodeTuple e :
            ((MappingNode) get(resource, "Properties", "Events").orElseThrow()).getValue()) {
          if (!"SQS".equals(text(get(e.getValueNode(), "Type").orElseThrow()))) {
            continue; // the signature update's schedule
          }
          assertThat(flatten(get(e.getValueNode(), "Properties", "ScalingConfig").orElseThrow()))
              .as(
                  text(t.getKeyNode())
                      + ": a queue may not run more than the function may, or throttled"
                      + " messages count receives toward the DLQ")
              .contains("ReservedConcurrency");
        }
      }
      if (type.equals("AWS::CloudWatch::Alarm")) {
        alarmed.add(text(get(resource, "Properties", "AlarmName").orElseThrow()));
      }
    }
    for (String processor : List.of("image", "document", "validate", "pii", "scan", "video")) {
      for (String alarm :
          List.of("errors", "throttles", "duration-p99", "error-rate", "file-failure-rate")) {
        assertThat(alarmed).contains("s3proc.media-ingest." + processor + "." + alarm);
      }
    }
    assertThat(flatten(get(resources, "Dashboard").orElseThrow()))
        .contains("AWS::CloudWatch::Dashboard", "ApproximateAgeOfOldestMessage", "Failures");
  }

  @Test
  void theVideoWorkflowIsTheOneRulesApplyMakesAndTheHeavyWorkerHasOnlyWhatItUses() {
    var config =
        dev.s3proc.core.config.PipelineLoader.load(Path.of("../config/pipeline.yaml")).config();
    var workflow = config.workflows().get("video");
    Node machine = get(resources, "VideoWorkflow").orElseThrow();
    assertThat(text(get(machine, "Properties", "Name").orElseThrow()))
        .isEqualTo(workflow.stateMachineName(config.pipeline()));
    assertThat(text(get(machine, "Properties", "DefinitionUri").orElseThrow()))
        .isEqualTo(workflow.definitionFile());
    assertThat(
            keys((MappingNode) get(machine, "Properties", "DefinitionSubstitutions").orElseThrow()))
        .containsExactlyInAnyOrderElementsOf(dev.s3proc.core.config.PipelineLoader.SUBSTITUTIONS);
    assertThat(flatten(get(machine, "Properties", "DefinitionSubstitutions").orElseThrow()))
        .contains("HeavyAboveBytes " + workflow.heavyAboveBytes())
        .contains("HeartbeatSeconds " + workflow.heartbeat().toSeconds());
    assertThat(text(get(resources, "VideoWorkflowRole", "Properties", "RoleName").orElseThrow()))
        .isEqualTo("s3proc-" + config.pipeline() + "-workflows");
    assertThat(text(get(resources, "VideoEventsRole", "Properties", "RoleName").orElseThrow()))
        .isEqualTo("s3proc-" + config.pipeline() + "-events");

    var rule = config.buckets().get(0).workflowRules().get(0);
    Node events = get(resources, "VideoUploadsRule", "Properties").orElseThrow();
    assertThat(text(get(events, "Name").orElseThrow()))
        .isEqualTo("s3proc." + config.pipeline() + "." + rule.id());
    assertThat(flatten(get(events, "EventPattern").orElseThrow()))
        .contains("aws.s3", "Object Created", "prefix " + rule.prefix());

    Node task = get(resources, "HeavyWorkerTask", "Properties").orElseThrow();
    assertThat(flatten(get(task, "ContainerDefinitions").orElseThrow()))
        .contains(
            "HANDLER", "dev.s3proc.handlers.video.VideoHandler", "QUEUE_URL", "VideoHeavyQueue");
    assertThat(flatten(get(task, "RequiresCompatibilities").orElseThrow())).contains("FARGATE");
    Node statements =
        ((SequenceNode)
                get(resources, "HeavyWorkerTaskRole", "Properties", "Policies").orElseThrow())
            .getValue()
            .get(0);
    for (Node statement :
        ((SequenceNode) get(statements, "PolicyDocument", "Statement").orElseThrow()).getValue()) {
      List<String> actions = scalars(get(statement, "Action").orElseThrow());
      String target = flatten(get(statement, "Resource").orElseThrow());
      assertThat(actions).noneMatch(a -> a.contains("*"));
      if (actions.contains("s3:GetObject")) {
        assertThat(target).contains("${UploadBucket}/uploads/videos/*");
      }
      if (actions.contains("s3:PutObject")) {
        assertThat(target).isEqualTo("${ProcessedBucket.Arn}/videos/*");
      }
      if (actions.contains("sqs:ReceiveMessage")) {
        assertThat(target).contains("VideoHeavyQueue");
      }
    }
    assertThat(flatten(get(resources, "HeavyWorkerScaling", "Properties").orElseThrow()))
        .contains("MinCapacity 0");
  }

  /**
   * The pipeline file's fan-out, deployed the same: each subscriber queue under its name, with its
   * DLQ and settings, subscribed to its topic with the same raw delivery, sendable by that topic
   * alone, and consumed by a function running the queue's processor.
   */
  @Test
  void theFanOutIsDeployedAsThePipelineFileDeclaresIt() throws Exception {
    var config =
        dev.s3proc.core.config.PipelineLoader.load(Path.of("../config/pipeline.yaml")).config();
    assertThat(config.topics()).isNotEmpty();
    for (var topic : config.topics().values()) {
      String topicResource = resourceWhere("AWS::SNS::Topic", "TopicName", topic.name());
      for (String q : topic.subscribers()) {
        var spec = config.queues().get(q);
        String queueResource = resourceWhere("AWS::SQS::Queue", "QueueName", q);
        Node queue = get(resources, queueResource, "Properties").orElseThrow();
        assertThat(text(get(queue, "VisibilityTimeout").orElseThrow()))
            .isEqualTo(Long.toString(spec.visibilityTimeout().toSeconds()));
        assertThat(text(get(queue, "MessageRetentionPeriod").orElseThrow()))
            .isEqualTo(Long.toString(spec.retention().toSeconds()));
        String dlqResource = resourceWhere("AWS::SQS::Queue", "QueueName", spec.dlq().name());
        assertThat(flatten(get(queue, "RedrivePolicy").orElseThrow()))
            .contains(dlqResource + ".Arn", "maxReceiveCount " + spec.dlq().maxReceiveCount());
        String subscription =
            flatten(
                get(
                        resources,
                        resourceWhere("AWS::SNS::Subscription", "Endpoint", queueResource + ".Arn"),
                        "Properties")
                    .orElseThrow());
        assertThat(subscription)
            .contains("TopicArn " + topicResource, "Protocol sqs")
            .contains("RawMessageDelivery " + topic.rawDelivery());
        String policy =
            flatten(
                get(
                        resources,
                        resourceWhere("AWS::SQS::QueuePolicy", "Queues", queueResource),
                        "Properties")
                    .orElseThrow());
        assertThat(policy).contains("sns.amazonaws.com", "aws:SourceArn " + topicResource);
        String consumer =
            resourceWhere("AWS::Serverless::Function", "Queue", queueResource + ".Arn");
        assertThat(processor(get(resources, consumer).orElseThrow()))
            .as(q + "'s function runs its processor")
            .isEqualTo(spec.processor());
      }
    }
  }

  /**
   * The one resource of a type with a property (anywhere below it) whose value is {@code value}.
   */
  static String resourceWhere(String type, String property, String value) {
    List<String> found = new ArrayList<>();
    for (NodeTuple t : resources.getValue()) {
      Node r = t.getValueNode();
      if (type.equals(text(get(r, "Type").orElseThrow()))
          && (" " + flatten(r) + " ").contains(" " + property + " " + value + " ")) {
        found.add(text(t.getKeyNode()));
      }
    }
    assertThat(found).as(type + " with " + property + " " + value).hasSize(1);
    return found.get(0);
  }

  /** The processor a function runs, from its jar: handlers/<processor>/target/... */
  /** The processor a function runs: its jar's module, or its container image's (scan). */
  static String processor(Node function) {
    String where =
        get(function, "Properties", "CodeUri")
            .or(() -> get(function, "Metadata", "DockerContext"))
            .map(TemplateTest::text)
            .orElseThrow();
    return where.replaceAll("^\\.\\./handlers/([a-z]+).*", "$1");
  }

  // ---- YAML nodes --------------------------------------------------------------------------

  static Optional<Node> get(Node node, String... path) {
    Node at = node;
    for (String key : path) {
      if (!(at instanceof MappingNode m)) {
        return Optional.empty();
      }
      at = null;
      for (NodeTuple t : m.getValue()) {
        if (key.equals(text(t.getKeyNode()))) {
          at = t.getValueNode();
        }
      }
      if (at == null) {
        return Optional.empty();
      }
    }
    return Optional.of(at);
  }

  static List<String> keys(MappingNode m) {
    return m.getValue().stream().map(t -> text(t.getKeyNode())).toList();
  }

  static String text(Node n) {
    return n instanceof ScalarNode s ? s.getValue() : "";
  }

  static List<String> scalars(Node n) {
    return n instanceof SequenceNode s
        ? s.getValue().stream().map(TemplateTest::text).toList()
        : List.of(text(n));
  }

  /** Every scalar under a node, joined: enough to see what a resource or condition names. */
  static String flatten(Node n) {
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    StringBuilder b = new StringBuilder();
    if (n instanceof SequenceNode s) {
      s.getValue().forEach(c -> b.append(flatten(c)).append(' '));
    } else if (n instanceof MappingNode m) {
      m.getValue()
          .forEach(
              t ->
                  b.append(flatten(t.getKeyNode()))
                      .append(' ')
                      .append(flatten(t.getValueNode()))
                      .append(' '));
    }
    return b.toString();
  }
}
