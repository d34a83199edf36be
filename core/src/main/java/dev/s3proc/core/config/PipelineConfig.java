package dev.s3proc.core.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated pipeline file ({@code config/pipeline.yaml}): the buckets, their notification rules,
 * the queues those rules feed, the audit table, the budget and where outputs go.
 */
public record PipelineConfig(
    String pipeline,
    String region,
    List<Bucket> buckets,
    Map<String, Queue> queues,
    Audit audit,
    Budget budget,
    Outputs outputs,
    Results results,
    Map<String, Workflow> workflows,
    Map<String, Topic> topics,
    Quarantine quarantine) {

  /**
   * A topic's fan-out under {@code topics:}: the queues subscribed to it, each with its processor
   * and DLQ ({@code rules apply} subscribes them and lets the topic, and only it, send to them).
   *
   * @param rawDelivery whether SNS delivers the S3 event as it is (true) or wrapped in its
   *     envelope; the handlers read both
   * @param report whether the subscribers' verdicts meet in one compliance report per upload
   */
  public record Topic(
      String name,
      List<String> subscribers,
      boolean rawDelivery,
      boolean report,
      Position position) {}

  /**
   * Where the scan processor moves an infected upload ({@code quarantine:}): copied, tagged, under
   * {@code prefix} of {@code bucket}, and removed from where it was uploaded unless {@code
   * removeOriginal} is false. Null when the pipeline has none: infected uploads are then tagged
   * only.
   */
  public record Quarantine(
      String bucket, String prefix, boolean removeOriginal, Position position) {}

  /** The processors of a reporting topic's subscribers: who must answer for each upload. */
  public List<String> reportSubscribers(Queue subscriber) {
    for (Topic t : topics.values()) {
      if (t.report() && t.subscribers().contains(subscriber.name())) {
        return t.subscribers().stream()
            .map(q -> queues.get(q).processor())
            .filter(p -> p != null)
            .toList();
      }
    }
    return List.of();
  }

  /** The notification-configuration id prefix that marks what this pipeline owns. */
  public String ownedIdPrefix() {
    return ownedIdPrefix(pipeline);
  }

  public static String ownedIdPrefix(String pipeline) {
    return "s3proc." + pipeline + ".";
  }

  public Optional<Queue> queue(String name) {
    return Optional.ofNullable(queues.get(name));
  }

  /**
   * @param rules the rules S3 event notifications deliver
   * @param workflowRules the rules that start a workflow, through the bucket's EventBridge delivery
   *     and an EventBridge rule (S3 cannot notify Step Functions)
   */
  public record Bucket(
      String name,
      boolean eventBridge,
      List<Rule> rules,
      List<WorkflowRule> workflowRules,
      Position position) {}

  /** A rule whose target is a workflow: {@code target: { workflow: video }}. */
  public record WorkflowRule(
      String id,
      List<String> events,
      String prefix,
      String suffix,
      String workflow,
      Position position) {
    /** Whether this rule starts its workflow for an event on a key. */
    public boolean matches(String event, String key) {
      return events.stream().anyMatch(e -> S3Events.overlaps(e, event))
          && key.startsWith(prefix)
          && key.endsWith(suffix);
    }
  }

  /**
   * A workflow under {@code workflows:}: its state machine (Amazon States Language, with {@code
   * ${...}} definition substitutions), the queue its light steps go to (a Lambda consumes it), the
   * heavy worker's queue and the size past which a file goes there, and the heartbeat interval of
   * every step.
   *
   * @param definitionFile as written in the pipeline file
   * @param definition the state machine's text, substitutions not yet filled
   */
  public record Workflow(
      String name,
      String definitionFile,
      String definition,
      String queue,
      String heavyQueue,
      long heavyAboveBytes,
      Duration heartbeat,
      Position position) {
    /** The state machine's name: {@code s3proc-<pipeline>-<workflow>}. */
    public String stateMachineName(String pipeline) {
      return "s3proc-" + pipeline + "-" + name;
    }

    /**
     * The steps after which the workflow has done its work: the task states whose message names a
     * {@code step} and from which no other such state can follow (through {@code Next}, {@code
     * Default} and {@code Choices}, not {@code Catch}). A file is processed when one of them
     * succeeded; for the video workflow, {@code transcode}.
     */
    public java.util.Set<String> finalSteps() {
      Map<String, Object> states;
      try {
        Object tree = com.fasterxml.jackson.jr.ob.JSON.std.anyFrom(definition);
        states = tree instanceof Map<?, ?> m ? asMap(m.get("States")) : Map.of();
      } catch (java.io.IOException e) {
        return java.util.Set.of();
      }
      java.util.Set<String> finals = new java.util.TreeSet<>();
      states.forEach(
          (name, state) -> {
            String step = stepOf(state);
            if (step != null && !reachesStep(states, successors(state))) {
              finals.add(step);
            }
          });
      return finals;
    }

    private static boolean reachesStep(Map<String, Object> states, List<String> from) {
      java.util.Deque<String> todo = new java.util.ArrayDeque<>(from);
      java.util.Set<String> seen = new java.util.HashSet<>();
      while (!todo.isEmpty()) {
        String next = todo.pop();
        if (!seen.add(next) || !states.containsKey(next)) {
          continue;
        }
        Object state = states.get(next);
        if (stepOf(state) != null) {
          return true;
        }
        todo.addAll(successors(state));
      }
      return false;
    }

    private static List<String> successors(Object state) {
      Map<String, Object> s = asMap(state);
      List<String> out = new java.util.ArrayList<>();
      if (s.get("Next") instanceof String n) {
        out.add(n);
      }
      if (s.get("Default") instanceof String d) {
        out.add(d);
      }
      if (s.get("Choices") instanceof List<?> choices) {
        for (Object c : choices) {
          if (asMap(c).get("Next") instanceof String n) {
            out.add(n);
          }
        }
      }
      return out;
    }

    private static String stepOf(Object state) {
      Object step = asMap(asMap(asMap(state).get("Parameters")).get("MessageBody")).get("step");
      return step instanceof String s ? s : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
      return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
  }

  public record Rule(
      String id,
      List<String> events,
      String prefix,
      String suffix,
      Target target,
      Position position) {

    /** Whether this rule fires for an event on a key. */
    public boolean matches(String event, String key) {
      return events.stream().anyMatch(e -> S3Events.overlaps(e, event))
          && key.startsWith(prefix)
          && key.endsWith(suffix);
    }
  }

  public enum TargetType {
    QUEUE("queue", "sqs"),
    TOPIC("topic", "sns"),
    LAMBDA("lambda", "lambda");

    public final String key;
    public final String service;

    TargetType(String key, String service) {
      this.key = key;
      this.service = service;
    }
  }

  /**
   * Where a rule delivers.
   *
   * @param ref a name (in the pipeline's account and region) or a full ARN
   */
  public record Target(TargetType type, String ref) {
    public boolean isArn() {
      return Arn.looksLikeArn(ref);
    }

    /** The queue, topic or function name, whether written as a name or an ARN. */
    public String name() {
      return isArn() ? Arn.parse(ref).map(Arn::name).orElse(ref) : ref;
    }

    @Override
    public String toString() {
      return type.key + " " + ref;
    }
  }

  /**
   * @param processor the handler that consumes the queue (image, document, validate, video, pii,
   *     scan), which {@code s3proc local} runs; null when the queue's consumer is not one of
   *     s3proc's
   */
  public record Queue(
      String name,
      Duration visibilityTimeout,
      Duration retention,
      Duration consumerTimeout,
      Dlq dlq,
      String processor,
      Position position) {}

  /** The processors s3proc ships as handler jars. */
  public static final java.util.List<String> PROCESSORS =
      java.util.List.of("image", "document", "validate", "video", "pii", "scan");

  public record Dlq(String name, int maxReceiveCount, Duration retention) {}

  public record Audit(String table, Duration ttl) {}

  public record Budget(BigDecimal costPerFile) {}

  /**
   * Where each finished attempt is announced: an SNS topic (a name in the pipeline's account and
   * region), or null for none.
   */
  public record Results(String topic, Position position) {}

  /**
   * Where the processors write what they derive: a bucket of its own (the reference pipeline's
   * choice) or, when {@code bucket} is null, a prefix of the bucket the upload is in.
   */
  public record Outputs(String bucket, String prefix, Position position) {
    /** The bucket the outputs of an upload in {@code uploadBucket} go to. */
    public String bucketFor(String uploadBucket) {
      return bucket != null ? bucket : uploadBucket;
    }
  }
}
