package dev.s3proc.cli.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.config.Arn;
import dev.s3proc.core.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a bucket's live notification configuration into a pipeline document. */
public final class BucketExporter {
  /** An s3proc handler's class, whose package names its processor. */
  private static final java.util.regex.Pattern HANDLER =
      java.util.regex.Pattern.compile("dev\\.s3proc\\.handlers\\.(\\w+)\\..*");

  private final ClientFactory clients;

  /** The topic the exported workflows publish their results to (from their definitions). */
  private String resultsTopic;

  public BucketExporter(ClientFactory clients) {
    this.clients = clients;
  }

  /**
   * @param notes what the document cannot carry, for the user to do (one line each)
   */
  public record Exported(boolean exists, Map<String, Object> document, List<String> notes) {}

  public Exported export(String bucketName, String pipelineName) {
    resultsTopic = null;
    LiveStateReader reader = new LiveStateReader(clients);
    LiveState.Bucket bucket = reader.bucket(bucketName);
    if (!bucket.exists()) {
      return new Exported(false, Map.of(), List.of());
    }
    String region = clients.region().id();
    String account = clients.sts().getCallerIdentity().account();
    List<LiveState.EventRule> eventRules =
        bucket.eventBridge() ? eventRules(bucketName) : List.of();
    String pipeline =
        pipelineName != null
            ? pipelineName
            : ownerOf(bucket)
                .or(
                    () ->
                        eventRules.stream()
                            .map(LiveState.EventRule::name)
                            .filter(n -> n.startsWith("s3proc.") && n.indexOf('.', 7) > 7)
                            .map(n -> n.substring(7, n.indexOf('.', 7)))
                            .findFirst())
                .orElse(bucketName);
    String prefix = "s3proc." + pipeline + ".";

    List<Map<String, Object>> rules = new ArrayList<>();
    Map<String, Object> queues = new LinkedHashMap<>();
    int unnamed = 0;
    for (LiveState.Notification n : bucket.notifications()) {
      Map<String, Object> rule = new LinkedHashMap<>();
      String id = n.id() == null || n.id().isBlank() ? "rule-" + ++unnamed : n.id();
      rule.put("id", id.startsWith(prefix) ? id.substring(prefix.length()) : sanitize(id));
      rule.put("events", n.events());
      Map<String, Object> filter = new LinkedHashMap<>();
      if (!n.prefix().isEmpty()) {
        filter.put("prefix", n.prefix());
      }
      if (!n.suffix().isEmpty()) {
        filter.put("suffix", n.suffix());
      }
      if (!filter.isEmpty()) {
        rule.put("filter", filter);
      }
      Arn arn = Arn.parse(n.targetArn()).orElse(null);
      boolean local = arn != null && account.equals(arn.account()) && region.equals(arn.region());
      String ref = local ? arn.name() : n.targetArn();
      rule.put("target", Map.of(n.type().key, ref));
      rules.add(rule);
      if (local
          && n.type() == dev.s3proc.core.config.PipelineConfig.TargetType.QUEUE
          && !queues.containsKey(ref)) {
        exportQueue(reader, ref, queues);
      }
    }
    Map<String, Object> workflows = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    {
      for (var rule : eventRules) {
        String machineArn =
            rule.targetArns().stream().filter(a -> a.contains(":states:")).findFirst().orElse(null);
        if (machineArn == null) {
          continue; // not a workflow's rule: a rule of some other consumer of the bucket's events
        }
        String machine = machineArn.substring(machineArn.lastIndexOf(':') + 1);
        String machinePrefix = "s3proc-" + pipeline + "-";
        String workflow =
            sanitize(
                machine.startsWith(machinePrefix)
                    ? machine.substring(machinePrefix.length())
                    : machine);
        Map<String, Object> r = workflowRule(rule, prefix);
        r.put("target", Map.of("workflow", workflow));
        rules.add(r);
        if (!workflows.containsKey(workflow)) {
          workflows.put(workflow, workflowSpec(reader, machineArn, workflow, queues, notes));
        }
      }
    }
    Map<String, Object> bucketDoc = new LinkedHashMap<>();
    bucketDoc.put("name", bucketName);
    bucketDoc.put("eventBridge", bucket.eventBridge());
    bucketDoc.put("rules", rules);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("pipeline", pipeline);
    doc.put("region", region);
    doc.put("buckets", List.of(bucketDoc));
    if (!queues.isEmpty()) {
      doc.put("queues", queues);
    }
    if (!workflows.isEmpty()) {
      doc.put("workflows", workflows);
    }
    if (resultsTopic != null) {
      doc.put("results", Map.of("topic", resultsTopic)); // where the workflows announce results
    }
    return new Exported(true, doc, notes);
  }

  /** The EventBridge rules on the default bus whose pattern names this bucket. */
  private List<LiveState.EventRule> eventRules(String bucketName) {
    List<LiveState.EventRule> out = new ArrayList<>();
    List<software.amazon.awssdk.services.eventbridge.model.Rule> all = new ArrayList<>();
    String next = null;
    do {
      String token = next;
      var page = clients.eventBridge().listRules(r -> r.nextToken(token).limit(100));
      all.addAll(page.rules());
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    for (var rule : all) {
      if (rule.eventPattern() == null) {
        continue;
      }
      JsonNode names = NotificationPlanner.tree(rule.eventPattern()).path("detail").path("bucket");
      boolean mine = false;
      for (JsonNode n : names.path("name")) {
        mine |= n.asText().equals(bucketName);
      }
      if (mine) {
        out.add(
            new LiveState.EventRule(
                rule.name(),
                rule.eventPattern(),
                clients.eventBridge().listTargetsByRule(r -> r.rule(rule.name())).targets().stream()
                    .map(t -> t.arn())
                    .toList()));
      }
    }
    return out;
  }

  /** A workflow rule from an EventBridge rule's pattern: its event types and key filter. */
  private static Map<String, Object> workflowRule(LiveState.EventRule rule, String owned) {
    JsonNode pattern = NotificationPlanner.tree(rule.pattern());
    Map<String, Object> r = new LinkedHashMap<>();
    r.put(
        "id",
        rule.name().startsWith(owned)
            ? rule.name().substring(owned.length())
            : sanitize(rule.name()));
    List<String> events = new ArrayList<>();
    for (JsonNode type : pattern.path("detail-type")) {
      events.add(
          type.asText().equals("Object Restore Completed")
              ? "s3:ObjectRestore:Completed"
              : "s3:ObjectCreated:*");
    }
    r.put("events", events.isEmpty() ? List.of("s3:ObjectCreated:*") : events);
    Map<String, Object> filter = new LinkedHashMap<>();
    for (JsonNode key : pattern.path("detail").path("object").path("key")) {
      if (key.has("prefix")) {
        filter.put("prefix", key.path("prefix").asText());
      } else if (key.has("suffix")) {
        filter.put("suffix", key.path("suffix").asText());
      } else if (key.has("wildcard")) {
        // prefix*suffix, each with \ and * escaped (as rules apply writes it)
        String w = key.path("wildcard").asText();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < w.length(); i++) {
          char c = w.charAt(i);
          if (c == '\\' && i + 1 < w.length()) {
            part.append(w.charAt(++i));
          } else if (c == '*' && !filter.containsKey("prefix")) {
            filter.put("prefix", part.toString());
            part.setLength(0);
          } else {
            part.append(c);
          }
        }
        filter.put("suffix", part.toString());
      }
    }
    if (!filter.isEmpty()) {
      r.put("filter", filter);
    }
    return r;
  }

  /**
   * A workflow from its live state machine: the queues its task-token states send to (the first its
   * steps', another the heavy worker's), with their settings. The definition itself is not YAML: a
   * note says where to save it.
   */
  private Map<String, Object> workflowSpec(
      LiveStateReader reader,
      String machineArn,
      String workflow,
      Map<String, Object> queues,
      List<String> notes) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("definition", workflow + ".asl.json");
    List<String> taskQueues = new ArrayList<>();
    try {
      String definition =
          clients.sfn().describeStateMachine(r -> r.stateMachineArn(machineArn)).definition();
      for (JsonNode state : NotificationPlanner.tree(definition).path("States")) {
        String topic = state.path("Parameters").path("TopicArn").asText("");
        if (state.path("Resource").asText().equals("arn:aws:states:::sns:publish")
            && !topic.isEmpty()
            && resultsTopic == null) {
          resultsTopic = topic.substring(topic.lastIndexOf(':') + 1);
        }
        String url = state.path("Parameters").path("QueueUrl").asText("");
        if (state.path("Resource").asText().endsWith(".waitForTaskToken")
            && !url.isEmpty()
            && !taskQueues.contains(url)) {
          taskQueues.add(url);
        }
      }
    } catch (software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException e) {
      notes.add("workflow " + workflow + ": its state machine " + machineArn + " does not exist");
      return spec;
    }
    List<String> names = taskQueues.stream().map(u -> u.substring(u.lastIndexOf('/') + 1)).toList();
    if (!names.isEmpty()) {
      spec.put("queue", names.get(0));
    }
    if (names.size() > 1) {
      spec.put("heavyQueue", names.get(1));
    }
    for (String q : names) {
      if (!queues.containsKey(q)) {
        exportQueue(reader, q, queues);
      }
    }
    notes.add(
        "workflow "
            + workflow
            + ": save its state machine beside the pipeline file as "
            + workflow
            + ".asl.json (aws stepfunctions describe-state-machine --state-machine-arn "
            + machineArn
            + " --query definition --output text)"
            + (names.stream().allMatch(q -> queueHasProcessor(queues, q))
                ? ""
                : ", and give its queues the processor that runs its steps (no Lambda consumes"
                    + " them here)"));
    return spec;
  }

  private static java.util.Optional<String> ownerOf(LiveState.Bucket bucket) {
    return bucket.notifications().stream()
        .map(LiveState.Notification::id)
        .filter(id -> id != null && id.startsWith("s3proc.") && id.indexOf('.', 7) > 7)
        .map(id -> id.substring(7, id.indexOf('.', 7)))
        .findFirst();
  }

  private static String sanitize(String id) {
    String s = id.replaceAll("[^A-Za-z0-9._-]", "-");
    return s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0)) ? "r" + s : s;
  }

  private static boolean queueHasProcessor(Map<String, Object> queues, String name) {
    return queues.get(name) instanceof Map<?, ?> spec && spec.containsKey("processor");
  }

  /** A queue's settings, and its processor when an s3proc handler consumes it on Lambda. */
  private void exportQueue(LiveStateReader reader, String name, Map<String, Object> queues) {
    LiveState.Queue q = reader.queue(name);
    queueSpec(q)
        .ifPresent(
            spec -> {
              Map<String, Object> withProcessor = new LinkedHashMap<>();
              processor(q.attributes().get("QueueArn"))
                  .ifPresent(p -> withProcessor.put("processor", p));
              withProcessor.putAll(spec);
              queues.put(name, withProcessor);
            });
  }

  /**
   * The processor whose handler consumes a queue: its event source mapping's function's handler,
   * when it is one of s3proc's ({@code dev.s3proc.handlers.<processor>.*}).
   */
  private java.util.Optional<String> processor(String queueArn) {
    if (queueArn == null) {
      return java.util.Optional.empty();
    }
    try {
      for (var m :
          clients
              .lambda()
              .listEventSourceMappingsPaginator(r -> r.eventSourceArn(queueArn))
              .eventSourceMappings()) {
        String handler =
            clients
                .lambda()
                .getFunctionConfiguration(r -> r.functionName(m.functionArn()))
                .handler();
        var match = HANDLER.matcher(handler == null ? "" : handler);
        if (match.matches()) {
          return java.util.Optional.of(match.group(1));
        }
      }
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      // no mapping to read (no Lambda here): the queue is exported without a processor
    }
    return java.util.Optional.empty();
  }

  private static java.util.Optional<Map<String, Object>> queueSpec(LiveState.Queue q) {
    if (!q.exists()) {
      return java.util.Optional.empty();
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    Map<String, String> a = q.attributes();
    if (a.containsKey("VisibilityTimeout")) {
      spec.put(
          "visibilityTimeout",
          Durations.format(Duration.ofSeconds(Long.parseLong(a.get("VisibilityTimeout")))));
    }
    if (a.containsKey("MessageRetentionPeriod")) {
      spec.put(
          "retention",
          Durations.format(Duration.ofSeconds(Long.parseLong(a.get("MessageRetentionPeriod")))));
    }
    if (a.containsKey("RedrivePolicy")) {
      JsonNode rp = NotificationPlanner.tree(a.get("RedrivePolicy"));
      Map<String, Object> dlq = new LinkedHashMap<>();
      String dlqArn = rp.path("deadLetterTargetArn").asText();
      dlq.put("name", dlqArn.substring(dlqArn.lastIndexOf(':') + 1));
      dlq.put("maxReceiveCount", rp.path("maxReceiveCount").asInt());
      spec.put("dlq", dlq);
    }
    return java.util.Optional.of(spec);
  }
}
