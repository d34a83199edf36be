package dev.s3proc.cli.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.s3proc.cli.rules.LiveState.Notification;
import dev.s3proc.cli.rules.LiveStateReader.Names;
import dev.s3proc.cli.rules.Plan.Action;
import dev.s3proc.cli.rules.Plan.Change;
import dev.s3proc.core.audit.AuditSchema;
import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.FilterOverlap;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.config.PipelineConfig.TargetType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Diffs a pipeline against the live state: pure, no AWS calls. It owns only the notification
 * configurations whose id starts with the pipeline's prefix, the policy statements and alarms named
 * the same way, and the queues it creates; everything else is kept as it is.
 */
public final class NotificationPlanner {

  /** The seed's target: a file processed within 30 s of upload. */
  static final double OLDEST_AGE_THRESHOLD_SECONDS = 30;

  private final PipelineConfig config;
  private final LiveState live;
  private final Names names;
  private final List<Change> changes = new ArrayList<>();
  private final List<Change> kept = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  private NotificationPlanner(PipelineConfig config, LiveState live) {
    this.config = config;
    this.live = live;
    this.names = new Names(config, live.partition(), live.account());
  }

  public static Plan plan(PipelineConfig config, LiveState live) {
    return new NotificationPlanner(config, live).run();
  }

  private Plan run() {
    queues();
    topics();
    resultsTopic();
    subscriptions();
    functions();
    table();
    alarms();
    workflows();
    for (PipelineConfig.Bucket b : config.buckets()) {
      bucket(b);
    }
    outputsBucket();
    quarantineBucket();
    return new Plan(
        config.pipeline(),
        List.copyOf(changes),
        List.copyOf(kept),
        List.copyOf(problems),
        List.copyOf(notes));
  }

  // ---- queues --------------------------------------------------------------------------------

  private void queues() {
    Map<String, Set<String>> bucketsByQueue = bucketsByTarget(TargetType.QUEUE);
    Map<String, List<String>> sourcesByDlq = new LinkedHashMap<>();
    config
        .queues()
        .values()
        .forEach(
            q -> {
              if (q.dlq() != null) {
                sourcesByDlq
                    .computeIfAbsent(q.dlq().name(), k -> new ArrayList<>())
                    .add(names.queueArn(q.name()));
              }
            });
    for (String name : names.managedQueueNames()) {
      Map<String, String> desired = new LinkedHashMap<>();
      PipelineConfig.Queue spec = config.queues().get(name);
      PipelineConfig.Dlq dlqOf =
          config.queues().values().stream()
              .map(PipelineConfig.Queue::dlq)
              .filter(d -> d != null && d.name().equals(name))
              .findFirst()
              .orElse(null);
      if (spec != null) {
        desired.put("VisibilityTimeout", Long.toString(spec.visibilityTimeout().toSeconds()));
        desired.put("MessageRetentionPeriod", Long.toString(spec.retention().toSeconds()));
        if (spec.dlq() != null) {
          ObjectNode redrive = JsonTrees.NODES.objectNode();
          redrive.put("deadLetterTargetArn", names.queueArn(spec.dlq().name()));
          redrive.put("maxReceiveCount", spec.dlq().maxReceiveCount());
          desired.put("RedrivePolicy", JsonTrees.write(redrive));
        }
      } else if (dlqOf != null) {
        desired.put("MessageRetentionPeriod", Long.toString(dlqOf.retention().toSeconds()));
      }
      Set<String> buckets = bucketsByQueue.getOrDefault(names.queueArn(name), Set.of());
      List<String> fanOut = topicsSubscribing(name);
      LiveState.Queue current = live.queues().get(name);
      if (!buckets.isEmpty() || !fanOut.isEmpty()) {
        List<ObjectNode> statements =
            new ArrayList<>(
                statements(buckets, "s3.amazonaws.com", "sqs:SendMessage", names.queueArn(name)));
        for (String topic : fanOut) {
          statements.add(topicStatement(topic, names.queueArn(name)));
        }
        String policy =
            mergePolicy(current == null ? null : current.attributes().get("Policy"), statements);
        if (policy != null) {
          desired.put("Policy", policy);
        }
      }
      String redriveAllow = null;
      if (sourcesByDlq.containsKey(name)) {
        ObjectNode allow = JsonTrees.NODES.objectNode();
        allow.put("redrivePermission", "byQueue");
        sourcesByDlq.get(name).forEach(allow.putArray("sourceQueueArns")::add);
        redriveAllow = JsonTrees.write(allow);
      }
      String kind = dlqOf != null ? "dlq" : "queue";
      if (current == null || !current.exists()) {
        Map<String, String> attributes = new LinkedHashMap<>(desired);
        if (redriveAllow != null) {
          attributes.put("RedriveAllowPolicy", redriveAllow);
        }
        if (name.endsWith(".fifo")) {
          attributes.put("FifoQueue", "true");
        }
        changes.add(
            new Change(
                Action.CREATE,
                kind,
                name,
                describeAttributes(attributes),
                new Plan.CreateQueue(
                    name, attributes, Map.of("s3proc:pipeline", config.pipeline()))));
        continue;
      }
      Map<String, String> update = new LinkedHashMap<>();
      List<String> details = new ArrayList<>();
      for (Map.Entry<String, String> e : desired.entrySet()) {
        String now = current.attributes().get(e.getKey());
        if (!sameAttribute(e.getKey(), now, e.getValue())) {
          update.put(e.getKey(), e.getValue());
          List<String> statements =
              e.getKey().equals("Policy") && now != null
                  ? statementDifferences(now, e.getValue())
                  : List.of();
          if (statements.isEmpty()) {
            details.add(
                e.getKey()
                    + ": "
                    + shortValue(e.getKey(), now)
                    + " -> "
                    + shortValue(e.getKey(), e.getValue()));
          } else {
            details.addAll(statements);
          }
        }
      }
      if (redriveAllow != null
          && current.attributes().containsKey("RedriveAllowPolicy")
          && !sameJson(current.attributes().get("RedriveAllowPolicy"), redriveAllow)) {
        update.put("RedriveAllowPolicy", redriveAllow);
        details.add(
            "RedriveAllowPolicy: allow redrive from " + String.join(", ", sourcesByDlq.get(name)));
      }
      if (!update.isEmpty()) {
        changes.add(
            new Change(Action.UPDATE, kind, name, details, new Plan.UpdateQueue(name, update)));
      }
    }
  }

  private static boolean sameAttribute(String key, String live, String desired) {
    if (live == null) {
      return false;
    }
    if (key.equals("Policy") || key.equals("RedrivePolicy")) {
      return sameJson(live, desired);
    }
    return live.equals(desired);
  }

  private static List<String> describeAttributes(Map<String, String> attributes) {
    List<String> out = new ArrayList<>();
    attributes.forEach((k, v) -> out.add(k + ": " + shortValue(k, v)));
    return out;
  }

  private static String shortValue(String key, String value) {
    if (value == null) {
      return "(none)";
    }
    return switch (key) {
      case "VisibilityTimeout", "MessageRetentionPeriod" ->
          Durations.format(java.time.Duration.ofSeconds(Long.parseLong(value)));
      case "Policy" -> "allow S3 or a topic to deliver (statements " + ownedSids(value) + ")";
      case "RedrivePolicy" -> {
        JsonNode n = tree(value);
        yield "to "
            + n.path("deadLetterTargetArn").asText().replaceAll(".*:", "")
            + " after "
            + n.path("maxReceiveCount").asText()
            + " receives";
      }
      default -> value;
    };
  }

  // ---- topics and functions ------------------------------------------------------------------

  /** The fan-out topics this queue is a subscriber of, by name. */
  private List<String> topicsSubscribing(String queue) {
    return config.topics().values().stream()
        .filter(t -> t.subscribers().contains(queue))
        .map(PipelineConfig.Topic::name)
        .toList();
  }

  /** Lets one topic, and only it, send to a queue (aws:SourceArn). */
  private ObjectNode topicStatement(String topic, String queueArn) {
    ObjectNode st = JsonTrees.NODES.objectNode();
    st.put("Sid", names.statementPrefix() + "topic." + topic);
    st.put("Effect", "Allow");
    st.putObject("Principal").put("Service", "sns.amazonaws.com");
    st.put("Action", "sqs:SendMessage");
    st.put("Resource", queueArn);
    st.putObject("Condition")
        .putObject("ArnEquals")
        .put("aws:SourceArn", names.targetArn(new PipelineConfig.Target(TargetType.TOPIC, topic)));
    return st;
  }

  /**
   * Each fan-out topic's subscriptions: its subscriber queues subscribed (RawMessageDelivery as the
   * file says), a queue of this pipeline no longer listed unsubscribed; a subscription to anything
   * else (another team's queue, an e-mail address) is left as it is.
   */
  private void subscriptions() {
    for (PipelineConfig.Topic t : config.topics().values()) {
      String arn = names.targetArn(new PipelineConfig.Target(TargetType.TOPIC, t.name()));
      LiveState.Topic topic = live.topics().get(arn);
      boolean planned =
          changes.stream().anyMatch(c -> c.resource().equals("topic") && c.name().equals(t.name()));
      if ((topic == null || !topic.exists()) && !planned) {
        changes.add(
            new Change(
                Action.CREATE,
                "topic",
                t.name(),
                List.of("standard SNS topic: fans out to " + String.join(", ", t.subscribers())),
                new Plan.CreateTopic(t.name())));
      }
      List<LiveState.Subscription> current = topic == null ? List.of() : topic.subscriptions();
      for (String q : t.subscribers()) {
        String queueArn = names.queueArn(q);
        var existing =
            current.stream()
                .filter(s -> s.protocol().equals("sqs") && s.endpoint().equals(queueArn))
                .findFirst();
        if (existing.isEmpty()) {
          changes.add(
              new Change(
                  Action.CREATE,
                  "subscription",
                  t.name() + " -> " + q,
                  List.of(
                      "sqs "
                          + queueArn
                          + (t.rawDelivery() ? ", raw message delivery" : ", in SNS's envelope")),
                  new Plan.Subscribe(arn, queueArn, t.rawDelivery())));
        } else if (existing.get().raw() != t.rawDelivery()) {
          changes.add(
              new Change(
                  Action.UPDATE,
                  "subscription",
                  t.name() + " -> " + q,
                  List.of("RawMessageDelivery: " + existing.get().raw() + " -> " + t.rawDelivery()),
                  new Plan.SetRawDelivery(existing.get().arn(), t.rawDelivery())));
        }
      }
      Set<String> ours = new java.util.HashSet<>();
      names.managedQueueNames().forEach(q -> ours.add(names.queueArn(q)));
      for (LiveState.Subscription s : current) {
        boolean listed =
            t.subscribers().stream().anyMatch(q -> names.queueArn(q).equals(s.endpoint()));
        if (s.protocol().equals("sqs") && ours.contains(s.endpoint()) && !listed) {
          changes.add(
              new Change(
                  Action.DELETE,
                  "subscription",
                  t.name() + " -> " + s.endpoint().substring(s.endpoint().lastIndexOf(':') + 1),
                  List.of("no longer a subscriber in the pipeline file"),
                  new Plan.Unsubscribe(s.arn())));
        }
      }
    }
  }

  /** The topic every finished attempt is announced on: created when missing. */
  private void resultsTopic() {
    String name = config.results().topic();
    if (name == null) {
      return;
    }
    String arn = names.targetArn(new PipelineConfig.Target(TargetType.TOPIC, name));
    LiveState.Topic topic = live.topics().get(arn);
    boolean planned =
        changes.stream().anyMatch(c -> c.resource().equals("topic") && c.name().equals(name));
    if ((topic == null || !topic.exists()) && !planned) {
      changes.add(
          new Change(
              Action.CREATE,
              "topic",
              name,
              List.of("standard SNS topic: every finished attempt is announced on it"),
              new Plan.CreateTopic(name)));
    }
  }

  private void topics() {
    Map<String, Set<String>> bucketsByTopic = bucketsByTarget(TargetType.TOPIC);
    for (Map.Entry<String, Set<String>> e : bucketsByTopic.entrySet()) {
      String arn = e.getKey();
      LiveState.Topic topic = live.topics().get(arn);
      boolean managed = arn.contains(":" + live.account() + ":");
      if (topic == null || !topic.exists()) {
        if (!managed) {
          problems.add(
              "topic "
                  + arn
                  + " does not exist or is not visible to account "
                  + live.account()
                  + ": create it in its account first");
          continue;
        }
        String name = arn.substring(arn.lastIndexOf(':') + 1);
        changes.add(
            new Change(
                Action.CREATE,
                "topic",
                name,
                List.of("standard SNS topic"),
                new Plan.CreateTopic(name)));
      }
      String policy =
          mergePolicy(
              topic == null ? null : topic.policy(),
              statements(e.getValue(), "s3.amazonaws.com", "SNS:Publish", arn));
      if (policy != null
          && (topic == null || topic.policy() == null || !sameJson(topic.policy(), policy))) {
        List<String> edited =
            topic == null || topic.policy() == null
                ? List.of()
                : statementDifferences(topic.policy(), policy);
        changes.add(
            new Change(
                topic != null && topic.exists() ? Action.UPDATE : Action.CREATE,
                "topic-policy",
                arn.substring(arn.lastIndexOf(':') + 1),
                edited.isEmpty()
                    ? List.of("allow S3 to publish from " + String.join(", ", e.getValue()))
                    : edited,
                new Plan.SetTopicPolicy(arn, policy)));
      }
    }
  }

  private void functions() {
    Map<String, Set<String>> bucketsByFunction = bucketsByTarget(TargetType.LAMBDA);
    for (Map.Entry<String, Set<String>> e : bucketsByFunction.entrySet()) {
      String arn = e.getKey();
      LiveState.Function fn = live.functions().get(arn);
      String name = arn.substring(arn.indexOf(":function:") + ":function:".length());
      if (fn == null || !fn.exists()) {
        problems.add(
            "lambda function "
                + name
                + " does not exist in "
                + live.region()
                + ": deploy it first (config/template.yaml), then apply again");
        continue;
      }
      Set<String> present = new LinkedHashSet<>();
      if (fn.policy() != null) {
        for (JsonNode st : tree(fn.policy()).path("Statement")) {
          String sid = st.path("Sid").asText();
          if (sid.startsWith(names.statementPrefix())) {
            present.add(sid);
          }
        }
      }
      for (String bucket : e.getValue()) {
        String sid = names.statementId(bucket);
        if (!present.remove(sid)) {
          changes.add(
              new Change(
                  Action.CREATE,
                  "lambda-permission",
                  name + " " + sid,
                  List.of("allow s3.amazonaws.com to invoke from arn:aws:s3:::" + bucket),
                  new Plan.LambdaPermission(arn, sid, bucket, live.account(), true)));
        }
      }
      for (String stale : present) {
        changes.add(
            new Change(
                Action.DELETE,
                "lambda-permission",
                name + " " + stale,
                List.of("no rule of this pipeline uses it"),
                new Plan.LambdaPermission(arn, stale, null, live.account(), false)));
      }
    }
  }

  // ---- audit table and alarms ----------------------------------------------------------------

  private void table() {
    LiveState.Table t = live.table();
    if (!t.exists()) {
      changes.add(
          new Change(
              Action.CREATE,
              "table",
              t.name(),
              List.of(
                  "audit trail: pk/sk per object, index "
                      + AuditSchema.TIME_INDEX
                      + " by hour, TTL on "
                      + AuditSchema.TTL_ATTRIBUTE),
              new Plan.CreateTable(t.name())));
      return;
    }
    String expected = AuditSchema.PK + "(hash)," + AuditSchema.SK + "(range)";
    if (!expected.equals(t.keySchema()) || !t.hasTimeIndex()) {
      problems.add(
          "table "
              + t.name()
              + " exists but is not an s3proc audit table (keys "
              + t.keySchema()
              + (t.hasTimeIndex() ? "" : ", no " + AuditSchema.TIME_INDEX + " index")
              + "): set audit.table to another name, or delete the table");
      return;
    }
    if (!t.ttlEnabled()) {
      changes.add(
          new Change(
              Action.UPDATE,
              "table",
              t.name(),
              List.of("enable TTL on " + AuditSchema.TTL_ATTRIBUTE),
              new Plan.EnableTtl(t.name())));
    }
  }

  private void alarms() {
    if (live.alarmsUnavailable() != null) {
      notes.add(live.alarmsUnavailable());
      return;
    }
    Map<String, Plan.PutAlarm> desired = new LinkedHashMap<>();
    String prefix = Names.alarmPrefix(config.pipeline());
    for (PipelineConfig.Queue q : config.queues().values()) {
      if (q.dlq() != null) {
        String name = prefix + q.dlq().name() + ".depth";
        desired.put(
            name,
            new Plan.PutAlarm(
                name,
                "s3proc " + config.pipeline() + ": messages waiting in DLQ " + q.dlq().name(),
                "ApproximateNumberOfMessagesVisible",
                q.dlq().name(),
                0,
                "GreaterThanThreshold"));
      }
      String name = prefix + q.name() + ".oldest-age";
      desired.put(
          name,
          new Plan.PutAlarm(
              name,
              "s3proc "
                  + config.pipeline()
                  + ": oldest message in "
                  + q.name()
                  + " older than the 30 s target",
              "ApproximateAgeOfOldestMessage",
              q.name(),
              OLDEST_AGE_THRESHOLD_SECONDS,
              "GreaterThanThreshold"));
    }
    for (Plan.PutAlarm a : desired.values()) {
      LiveState.Alarm current = live.alarms().get(a.name());
      String detail = a.metric() + " of " + a.queue() + " > " + (long) a.threshold();
      if (current == null) {
        changes.add(new Change(Action.CREATE, "alarm", a.name(), List.of(detail), a));
      } else if (!matches(current, a)) {
        changes.add(new Change(Action.UPDATE, "alarm", a.name(), List.of(detail), a));
      }
    }
    functionAlarms(prefix);
    for (Map.Entry<String, LiveState.Alarm> e : live.alarms().entrySet()) {
      String name = e.getKey();
      // only queue alarms are removed: a function's alarms outlive a rule that stops naming it (the
      // template declares them too, and a function is not this pipeline's to forget)
      if (!desired.containsKey(name) && "AWS/SQS".equals(e.getValue().namespace())) {
        changes.add(
            new Change(
                Action.DELETE,
                "alarm",
                name,
                List.of("no queue of this pipeline needs it"),
                new Plan.DeleteAlarm(name)));
      }
    }
  }

  /**
   * The seed's alarms on each function this pipeline feeds: those its processor queues' event
   * source mappings invoke (named after the processor, as the template names them) and its direct
   * Lambda targets (named after the function). A queue no function consumes yet (the local
   * runner's) has none.
   */
  private void functionAlarms(String prefix) {
    for (PipelineConfig.Queue q : config.queues().values()) {
      List<LiveState.Function> fns = live.consumers().getOrDefault(q.name(), List.of());
      for (LiveState.Function fn : fns) {
        String base = prefix + q.processor() + (fns.size() == 1 ? "" : "." + fn.name());
        functionAlarms(base, "the " + q.processor() + " function " + fn.name(), fn);
      }
      if (!fns.isEmpty()) {
        putFunctionAlarm(
            prefix + q.processor() + "." + FunctionAlarm.FILE_FAILURE_RATE.suffix,
            "over 0.5 % of the files the " + q.processor() + " processor took failed",
            FunctionAlarm.FILE_FAILURE_RATE,
            q.processor(),
            FunctionAlarm.FILE_FAILURE_RATE.threshold(0));
      }
    }
    for (LiveState.Function fn : live.functions().values()) {
      if (fn.exists()) {
        functionAlarms(prefix + fn.name(), "the function " + fn.name(), fn);
      }
    }
  }

  private void functionAlarms(String base, String what, LiveState.Function fn) {
    for (FunctionAlarm kind :
        List.of(
            FunctionAlarm.ERRORS,
            FunctionAlarm.THROTTLES,
            FunctionAlarm.DURATION_P99,
            FunctionAlarm.ERROR_RATE)) {
      String description =
          switch (kind) {
            case ERRORS -> "invocations of " + what + " failed (crashed, timed out, out of memory)";
            case THROTTLES -> what + " was throttled (reserved concurrency reached)";
            case DURATION_P99 ->
                what + "'s p99 duration is over 80 % of its " + fn.timeoutSeconds() + " s timeout";
            default -> "over 0.5 % of the invocations of " + what + " failed (the 99.5 % target)";
          };
      putFunctionAlarm(
          base + "." + kind.suffix,
          description,
          kind,
          fn.name(),
          kind.threshold(fn.timeoutSeconds()));
    }
  }

  private void putFunctionAlarm(
      String name, String description, FunctionAlarm kind, String subject, double threshold) {
    LiveState.Alarm current = live.alarms().get(name);
    if (current != null && kind.matches(current, subject, threshold)) {
      return;
    }
    String detail =
        (kind.isRate() ? kind.expression : kind.metric)
            + " of "
            + subject
            + " > "
            + (threshold == Math.rint(threshold) ? String.valueOf((long) threshold) : threshold);
    changes.add(
        new Change(
            current == null ? Action.CREATE : Action.UPDATE,
            "alarm",
            name,
            List.of(detail),
            new Plan.PutFunctionAlarm(name, description, kind, subject, threshold)));
  }

  private static boolean matches(LiveState.Alarm live, Plan.PutAlarm a) {
    return "AWS/SQS".equals(live.namespace())
        && a.metric().equals(live.metric())
        && a.queue().equals(live.dimensions().get("QueueName"))
        && live.threshold() == a.threshold()
        && a.comparison().equals(live.comparison())
        && live.period() == 60
        && live.evaluationPeriods() == 1
        && "Maximum".equals(live.statistic());
  }

  // ---- workflows ---------------------------------------------------------------------------

  /**
   * Each workflow's state machine (its definition with the substitutions filled), and each workflow
   * rule's EventBridge rule on the default bus ({@code s3proc.<pipeline>.<rule id>}, its one target
   * the state machine). Rules with the prefix that no workflow rule names any more are removed;
   * every other rule on the bus is left as it is.
   */
  private void workflows() {
    Map<String, String> machineArns = new LinkedHashMap<>();
    for (PipelineConfig.Workflow w : config.workflows().values()) {
      String name = w.stateMachineName(config.pipeline());
      String arn = arn("states", "stateMachine:" + name);
      machineArns.put(w.name(), arn);
      if (live.alarmsUnavailable() == null) {
        putFunctionAlarm(
            Names.alarmPrefix(config.pipeline())
                + w.name()
                + "."
                + FunctionAlarm.EXECUTIONS_FAILED.suffix,
            "an execution of the " + w.name() + " workflow failed (a step failed for good)",
            FunctionAlarm.EXECUTIONS_FAILED,
            arn,
            0);
      }
      Map<String, String> values = new LinkedHashMap<>();
      values.put(
          "ResultsTopicArn",
          names.targetArn(new PipelineConfig.Target(TargetType.TOPIC, config.results().topic())));
      values.put("HeavyAboveBytes", Long.toString(w.heavyAboveBytes()));
      values.put("HeartbeatSeconds", Long.toString(w.heartbeat().toSeconds()));
      Map<String, String> queues = new LinkedHashMap<>();
      queues.put("LightQueueUrl", w.queue());
      queues.put("HeavyQueueUrl", w.heavyQueue());
      config
          .queue(w.queue())
          .map(q -> q.dlq())
          .ifPresent(dlq -> queues.put("DeadLetterQueueUrl", dlq.name()));
      LiveState.StateMachine current = live.stateMachines().get(name);
      String role =
          arn("iam", "role/s3proc-" + config.pipeline() + "-workflows")
              .replace(":" + config.region() + ":", "::");
      boolean same = false;
      if (current != null) {
        Map<String, String> filled = new LinkedHashMap<>(values);
        boolean known = true;
        for (Map.Entry<String, String> q : queues.entrySet()) {
          LiveState.Queue lq = live.queues().get(q.getValue());
          known &= lq != null && lq.exists();
          filled.put(q.getKey(), lq == null || lq.url() == null ? "" : lq.url());
        }
        same = known && sameJson(current.definition(), substitute(w.definition(), filled));
      }
      if (!same) {
        changes.add(
            new Change(
                current == null ? Action.CREATE : Action.UPDATE,
                "state-machine",
                name,
                List.of(
                    "workflow "
                        + w.name()
                        + " from "
                        + w.definitionFile()
                        + ": steps on "
                        + w.queue()
                        + (w.heavyQueue().equals(w.queue())
                            ? ""
                            : ", over " + w.heavyAboveBytes() + " bytes on " + w.heavyQueue())),
                new Plan.PutStateMachine(
                    name, arn, w.definition(), role, values, queues, current != null)));
      }
    }
    Map<String, LiveState.EventRule> stale = new LinkedHashMap<>(live.eventRules());
    String eventsRole =
        arn("iam", "role/s3proc-" + config.pipeline() + "-events")
            .replace(":" + config.region() + ":", "::");
    for (PipelineConfig.Bucket b : config.buckets()) {
      for (PipelineConfig.WorkflowRule r : b.workflowRules()) {
        String name = names.statementPrefix() + r.id();
        String pattern = eventPattern(b.name(), r);
        String target = machineArns.get(r.workflow());
        LiveState.EventRule current = stale.remove(name);
        if (current == null
            || !sameJson(current.pattern(), pattern)
            || !current.targetArns().equals(List.of(target))) {
          changes.add(
              new Change(
                  current == null ? Action.CREATE : Action.UPDATE,
                  "event-rule",
                  name,
                  List.of(pattern, "starts " + target),
                  new Plan.PutEventRule(name, pattern, target, eventsRole)));
        }
      }
    }
    for (String name : stale.keySet()) {
      changes.add(
          new Change(
              Action.DELETE,
              "event-rule",
              name,
              List.of("no workflow rule of this pipeline uses it"),
              new Plan.DeleteEventRule(name)));
    }
  }

  /** A key part as an EventBridge wildcard matches it literally. */
  private static String wildcardLiteral(String s) {
    return s.replace("\\", "\\\\").replace("*", "\\*");
  }

  private String arn(String service, String resource) {
    return "arn:"
        + live.partition()
        + ":"
        + service
        + ":"
        + config.region()
        + ":"
        + live.account()
        + ":"
        + resource;
  }

  /** Fills {@code ${NAME}} from {@code values}; the loader has checked that each is known. */
  static String substitute(String definition, Map<String, String> values) {
    String out = definition;
    for (Map.Entry<String, String> v : values.entrySet()) {
      out = out.replace("${" + v.getKey() + "}", v.getValue());
    }
    return out;
  }

  /**
   * The EventBridge pattern of a workflow rule: S3's events from this bucket, of these types, on
   * keys with this prefix and suffix (a wildcard when it has both).
   */
  public static String eventPattern(String bucket, PipelineConfig.WorkflowRule r) {
    var root = JsonTrees.NODES.objectNode();
    root.putArray("source").add("aws.s3");
    var types = root.putArray("detail-type");
    java.util.Set<String> seen = new java.util.LinkedHashSet<>();
    for (String e : r.events()) {
      seen.add(e.startsWith("s3:ObjectCreated:") ? "Object Created" : "Object Restore Completed");
    }
    seen.forEach(types::add);
    var detail = root.putObject("detail");
    detail.putObject("bucket").putArray("name").add(bucket);
    if (!r.prefix().isEmpty() || !r.suffix().isEmpty()) {
      var key = detail.putObject("object").putArray("key").addObject();
      if (r.suffix().isEmpty()) {
        key.put("prefix", r.prefix());
      } else if (r.prefix().isEmpty()) {
        key.put("suffix", r.suffix());
      } else {
        key.put("wildcard", wildcardLiteral(r.prefix()) + "*" + wildcardLiteral(r.suffix()));
      }
    }
    return JsonTrees.write(root);
  }

  // ---- notifications -------------------------------------------------------------------------

  /** The processors write to the outputs bucket: it must be there before anything is routed. */
  private void outputsBucket() {
    String name = config.outputs().bucket();
    LiveState.Bucket current = name == null ? null : live.buckets().get(name);
    if (name != null && (current == null || !current.exists())) {
      problems.add(
          "outputs bucket "
              + name
              + " does not exist (or is not visible to account "
              + live.account()
              + "): create it first (aws s3 mb s3://"
              + name
              + "), or fix outputs.bucket in the pipeline file");
    }
  }

  /** The scanner moves infected uploads to the quarantine bucket: it must be there. */
  private void quarantineBucket() {
    if (config.quarantine() == null) {
      return;
    }
    String name = config.quarantine().bucket();
    LiveState.Bucket current = live.buckets().get(name);
    if (current == null || !current.exists()) {
      problems.add(
          "quarantine bucket "
              + name
              + " does not exist (or is not visible to account "
              + live.account()
              + "): create it first (aws s3 mb s3://"
              + name
              + "; keep it private, with no event rules), or fix quarantine.bucket in the pipeline"
              + " file");
    }
  }

  private void bucket(PipelineConfig.Bucket b) {
    LiveState.Bucket current = live.buckets().get(b.name());
    if (current == null || !current.exists()) {
      problems.add(
          "bucket "
              + b.name()
              + " does not exist (or is not visible to account "
              + live.account()
              + "): create it first, or fix the name in the pipeline file");
      return;
    }
    String ownedPrefix = config.ownedIdPrefix();
    Map<String, Notification> desired = new LinkedHashMap<>();
    for (PipelineConfig.Rule r : b.rules()) {
      String id = ownedPrefix + r.id();
      desired.put(
          id,
          new Notification(
              id,
              r.target().type(),
              names.targetArn(r.target()),
              List.copyOf(new TreeSet<>(r.events())),
              r.prefix(),
              r.suffix()));
    }
    Map<String, Notification> owned = new LinkedHashMap<>();
    List<Notification> foreign = new ArrayList<>();
    for (Notification n : current.notifications()) {
      if (n.id() != null && n.id().startsWith(ownedPrefix)) {
        owned.put(n.id(), n);
      } else {
        foreign.add(n);
      }
    }
    boolean changed = false;
    List<String> details = new ArrayList<>();
    for (Notification d : desired.values()) {
      Notification now = owned.get(d.id());
      if (now == null) {
        details.add("+ " + describe(d));
        changed = true;
      } else if (!now.equals(d)) {
        details.add("~ " + describe(d) + " (was " + describe(now) + ")");
        changed = true;
      }
    }
    for (Notification o : owned.values()) {
      if (!desired.containsKey(o.id())) {
        details.add("- " + describe(o));
        changed = true;
      }
    }
    boolean enableEventBridge = b.eventBridge() && !current.eventBridge();
    if (enableEventBridge) {
      details.add("+ EventBridge delivery");
      changed = true;
    }
    for (Notification f : foreign) {
      kept.add(
          new Change(
              Action.KEEP,
              "notification",
              b.name() + " " + (f.id() == null ? "(no id)" : f.id()),
              List.of("not owned by pipeline " + config.pipeline() + ": " + describe(f)),
              null));
      for (Notification d : desired.values()) {
        FilterOverlap.sharedEvent(
                d.events(), d.prefix(), d.suffix(), f.events(), f.prefix(), f.suffix())
            .ifPresent(
                event ->
                    problems.add(
                        "rule "
                            + d.id().substring(ownedPrefix.length())
                            + " overlaps configuration "
                            + f.id()
                            + " on bucket "
                            + b.name()
                            + " ("
                            + event
                            + "), which s3proc does not own: S3 would reject the configuration; "
                            + "change the rule's filter, or remove the other configuration"));
      }
    }
    if (changed) {
      Action action =
          owned.isEmpty() && !desired.isEmpty()
              ? Action.CREATE
              : desired.isEmpty() ? Action.DELETE : Action.UPDATE;
      changes.add(
          new Change(
              action,
              "notifications",
              b.name(),
              details,
              new Plan.PutNotifications(b.name(), List.copyOf(desired.values()), b.eventBridge())));
    }
  }

  private String describe(Notification n) {
    String id =
        n.id() == null
            ? ""
            : n.id().startsWith(config.ownedIdPrefix())
                ? n.id().substring(config.ownedIdPrefix().length())
                : n.id();
    String target = n.targetArn().substring(n.targetArn().lastIndexOf(':') + 1);
    return id
        + ": "
        + String.join(",", n.events())
        + (n.prefix().isEmpty() ? "" : " prefix=" + n.prefix())
        + (n.suffix().isEmpty() ? "" : " suffix=" + n.suffix())
        + " -> "
        + n.type().key
        + " "
        + target;
  }

  // ---- policies ------------------------------------------------------------------------------

  private Map<String, Set<String>> bucketsByTarget(TargetType type) {
    Map<String, Set<String>> map = new LinkedHashMap<>();
    for (PipelineConfig.Bucket b : config.buckets()) {
      for (PipelineConfig.Rule r : b.rules()) {
        if (r.target().type() == type && names.manages(r.target())) {
          map.computeIfAbsent(names.targetArn(r.target()), k -> new LinkedHashSet<>())
              .add(b.name());
        } else if (r.target().type() == type) {
          notes.add(
              r.target()
                  + " is in another account or region: grant S3 permission to deliver there yourself");
        }
      }
    }
    return map;
  }

  /**
   * One statement per bucket allowing S3 to deliver, scoped by aws:SourceArn and aws:SourceAccount.
   */
  private List<ObjectNode> statements(
      Set<String> buckets, String principal, String action, String resource) {
    List<ObjectNode> statements = new ArrayList<>();
    for (String bucket : buckets) {
      ObjectNode st = JsonTrees.NODES.objectNode();
      st.put("Sid", names.statementId(bucket));
      st.put("Effect", "Allow");
      st.putObject("Principal").put("Service", principal);
      st.put("Action", action);
      st.put("Resource", resource);
      ObjectNode condition = st.putObject("Condition");
      condition
          .putObject("ArnLike")
          .put("aws:SourceArn", "arn:" + live.partition() + ":s3:::" + bucket);
      condition.putObject("StringEquals").put("aws:SourceAccount", live.account());
      statements.add(st);
    }
    return statements;
  }

  /**
   * The live policy with s3proc's statements for this pipeline replaced by the desired ones and
   * every other statement kept; null when nothing would change.
   */
  private String mergePolicy(String livePolicy, List<ObjectNode> desired) {
    ObjectNode doc;
    if (livePolicy == null || livePolicy.isBlank()) {
      doc = JsonTrees.NODES.objectNode();
      doc.put("Version", "2012-10-17");
    } else {
      doc = (ObjectNode) tree(livePolicy);
    }
    ArrayNode merged = JsonTrees.NODES.arrayNode();
    List<JsonNode> ours = new ArrayList<>();
    JsonNode existing = doc.path("Statement");
    Iterable<JsonNode> statements =
        existing.isArray() ? existing : existing.isObject() ? List.of(existing) : List.of();
    for (JsonNode st : statements) {
      if (st.path("Sid").asText().startsWith(names.statementPrefix())) {
        ours.add(st);
      } else {
        merged.add(st);
      }
    }
    if (ours.equals(desired)) {
      return null;
    }
    desired.forEach(merged::add);
    doc.set("Statement", merged);
    return JsonTrees.write(doc);
  }

  /**
   * What differs between this pipeline's statements in a live policy and in the desired one, a line
   * each: a statement added or removed, or each of its fields that changed, with both values (so a
   * plan says which condition someone edited, not just that the policy differs). Empty when only
   * the rest of the document differs.
   */
  private List<String> statementDifferences(String live, String desired) {
    Map<String, JsonNode> before = ownedStatements(live);
    Map<String, JsonNode> after = ownedStatements(desired);
    List<String> out = new ArrayList<>();
    after.forEach(
        (sid, wanted) -> {
          JsonNode was = before.get(sid);
          if (was == null) {
            out.add("Policy: statement " + sid + " added");
            return;
          }
          fieldDifferences("Policy: statement " + sid + ": ", "", was, wanted, out);
        });
    before.keySet().stream()
        .filter(sid -> !after.containsKey(sid))
        .forEach(sid -> out.add("Policy: statement " + sid + " removed"));
    return out;
  }

  /**
   * Each field that differs between two JSON values, descending while both are objects: "{@code
   * Condition.StringEquals.aws:SourceAccount "1" -> "2"}", a missing side shown as (none).
   */
  private static void fieldDifferences(
      String prefix, String path, JsonNode a, JsonNode b, List<String> out) {
    if (a != null && b != null && a.isObject() && b.isObject()) {
      Set<String> fields = new LinkedHashSet<>();
      a.fieldNames().forEachRemaining(fields::add);
      b.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        String at = path.isEmpty() ? field : path + "." + field;
        fieldDifferences(prefix, at, a.get(field), b.get(field), out);
      }
    } else if (a == null || b == null || !normalize(a).equals(normalize(b))) {
      out.add(prefix + path + " " + compact(a) + " -> " + compact(b));
    }
  }

  /** This pipeline's statements in a policy, by Sid. */
  private Map<String, JsonNode> ownedStatements(String policy) {
    Map<String, JsonNode> owned = new LinkedHashMap<>();
    JsonNode statements = tree(policy).path("Statement");
    for (JsonNode st : statements.isObject() ? List.of(statements) : statements) {
      String sid = st.path("Sid").asText();
      if (sid.startsWith(names.statementPrefix())) {
        owned.put(sid, st);
      }
    }
    return owned;
  }

  /** A policy field on one line: its JSON, cut at 120 characters. */
  private static String compact(JsonNode node) {
    if (node == null) {
      return "(none)";
    }
    String text = JsonTrees.write(node);
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }

  private static String ownedSids(String policy) {
    List<String> sids = new ArrayList<>();
    for (JsonNode st : tree(policy).path("Statement")) {
      if (st.path("Sid").asText().startsWith("s3proc.")) {
        sids.add(st.path("Sid").asText());
      }
    }
    return String.join(", ", sids);
  }

  static boolean sameJson(String a, String b) {
    if (a == null || b == null) {
      return Objects.equals(a, b);
    }
    return normalize(tree(a)).equals(normalize(tree(b)));
  }

  /** Numbers written as strings ("5") and as numbers (5) are the same to SQS. */
  private static JsonNode normalize(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = JsonTrees.NODES.objectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), normalize(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonTrees.NODES.arrayNode();
      node.forEach(n -> copy.add(normalize(n)));
      return copy;
    }
    return node.isNumber() ? JsonTrees.NODES.textNode(node.asText()) : node;
  }

  static JsonNode tree(String json) {
    try {
      return JsonTrees.read(json);
    } catch (java.io.IOException e) {
      return JsonTrees.NODES.objectNode();
    }
  }
}
