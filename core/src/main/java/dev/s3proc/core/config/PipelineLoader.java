package dev.s3proc.core.config;

import dev.s3proc.core.config.PipelineConfig.Audit;
import dev.s3proc.core.config.PipelineConfig.Bucket;
import dev.s3proc.core.config.PipelineConfig.Budget;
import dev.s3proc.core.config.PipelineConfig.Dlq;
import dev.s3proc.core.config.PipelineConfig.Outputs;
import dev.s3proc.core.config.PipelineConfig.Queue;
import dev.s3proc.core.config.PipelineConfig.Rule;
import dev.s3proc.core.config.PipelineConfig.Target;
import dev.s3proc.core.config.PipelineConfig.TargetType;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a pipeline file and checks it offline, reporting every problem at once with its file, line
 * and column, before AWS ever sees it.
 */
public final class PipelineLoader {
  public static final String DEFAULT_AUDIT_TABLE = "s3proc-audit";
  static final Duration SQS_MAX_RETENTION = Duration.ofDays(14);
  static final Duration SQS_MIN_RETENTION = Duration.ofSeconds(60);
  static final Duration SQS_MAX_VISIBILITY = Duration.ofHours(12);

  private static final Set<String> TOP_KEYS =
      Set.of(
          "pipeline",
          "region",
          "buckets",
          "queues",
          "audit",
          "budget",
          "outputs",
          "results",
          "workflows",
          "topics",
          "quarantine");
  private static final Set<String> BUCKET_KEYS = Set.of("name", "eventBridge", "rules");
  private static final Set<String> RULE_KEYS =
      Set.of("id", "description", "events", "filter", "target");
  private static final Set<String> FILTER_KEYS = Set.of("prefix", "suffix");
  private static final Set<String> TARGET_KEYS = Set.of("queue", "topic", "lambda", "workflow");
  private static final Set<String> WORKFLOW_KEYS =
      Set.of("definition", "queue", "heavyQueue", "heavyAbove", "heartbeat");

  /** The definition substitutions a workflow's state machine may use; s3proc fills each. */
  public static final Set<String> SUBSTITUTIONS =
      Set.of(
          "LightQueueUrl",
          "HeavyQueueUrl",
          "ResultsTopicArn",
          "HeavyAboveBytes",
          "HeartbeatSeconds",
          "DeadLetterQueueUrl");

  private static final Pattern SUBSTITUTION = Pattern.compile("\\$\\{([A-Za-z0-9_]+)\\}");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?");
  private static final Set<String> QUEUE_KEYS =
      Set.of("visibilityTimeout", "retention", "consumer", "dlq", "processor");
  private static final Set<String> CONSUMER_KEYS = Set.of("timeout");
  private static final Set<String> DLQ_KEYS = Set.of("name", "maxReceiveCount", "retention");
  private static final Set<String> AUDIT_KEYS = Set.of("table", "ttl");
  private static final Set<String> BUDGET_KEYS = Set.of("costPerFile");
  private static final Set<String> OUTPUTS_KEYS = Set.of("bucket", "prefix");
  private static final Set<String> RESULTS_KEYS = Set.of("topic");

  /** Where outputs go when the pipeline file does not say: beside the uploads, under this. */
  public static final String DEFAULT_OUTPUT_PREFIX = "processed/";

  private static final Pattern PIPELINE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
  private static final Pattern RULE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");
  static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}(\\.fifo)?");
  private static final Pattern FUNCTION_NAME =
      Pattern.compile("[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]+)?");
  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

  /**
   * The outcome of loading: a config when there were no errors, and every diagnostic in file order
   * (file-level ones first), as a compiler lists them.
   */
  public record Result(PipelineConfig config, List<Diagnostic> diagnostics) {
    public Result {
      diagnostics =
          diagnostics.stream()
              .sorted(
                  java.util.Comparator.comparingInt((Diagnostic d) -> d.position().line())
                      .thenComparingInt(d -> d.position().column()))
              .toList();
    }

    public boolean hasErrors() {
      return diagnostics.stream().anyMatch(Diagnostic::isError);
    }

    public List<Diagnostic> errors() {
      return diagnostics.stream().filter(Diagnostic::isError).toList();
    }

    public List<Diagnostic> warnings() {
      return diagnostics.stream().filter(d -> !d.isError()).toList();
    }
  }

  private final String file;
  private final List<Diagnostic> diagnostics = new ArrayList<>();
  private String region;

  /**
   * Every workflow named under workflows:, valid or not (a rule naming a broken one is not told).
   */
  private final Set<String> declaredWorkflows = new java.util.LinkedHashSet<>();

  private PipelineLoader(String file) {
    this.file = file;
  }

  /**
   * A pipeline file is a few kilobytes; anything past this is not one. The cap also bounds the
   * parser's worst case: SnakeYAML copies its read window for every chunk of a token, so one huge
   * scalar costs the square of its length (8 MB took 54 s and 1.1 GB); at 256 KiB the worst case is
   * under a second.
   */
  public static final int MAX_FILE_BYTES = 256 << 10;

  public static Result load(Path path) {
    String text;
    try {
      text = TextFiles.read(path, MAX_FILE_BYTES);
    } catch (TextFiles.Refused e) {
      return failure(path.toString(), e.getMessage());
    } catch (NoSuchFileException e) {
      return failure(
          path.toString(),
          "file not found: pass the pipeline file with -f, e.g. -f config/pipeline.yaml");
    } catch (IOException e) {
      return failure(path.toString(), "cannot read the file: " + e.getMessage());
    }
    return parse(path.toString(), text);
  }

  public static Result parse(String fileName, String text) {
    return new PipelineLoader(fileName).run(text);
  }

  private static Result failure(String file, String message) {
    return new Result(null, List.of(Diagnostic.error(file, Position.UNKNOWN, null, message)));
  }

  private Result run(String text) {
    Node root;
    try {
      LoaderOptions options = new LoaderOptions();
      options.setAllowDuplicateKeys(true); // reported below, with both lines
      root = new Yaml(options).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      String problem = e.getProblem() != null ? e.getProblem() : e.getMessage();
      error(mark == null ? Position.UNKNOWN : pos(mark), null, "YAML syntax: " + problem);
      return new Result(null, List.copyOf(diagnostics));
    } catch (YAMLException e) {
      error(Position.UNKNOWN, null, "YAML syntax: " + e.getMessage());
      return new Result(null, List.copyOf(diagnostics));
    }
    if (root == null) {
      error(
          new Position(1, 1),
          null,
          "the file is empty: a pipeline needs at least 'pipeline', 'region' and 'buckets'");
      return new Result(null, List.copyOf(diagnostics));
    }
    if (!(root instanceof MappingNode)) {
      error(
          pos(root),
          null,
          "the top level must be a mapping with keys such as 'pipeline:', 'region:' and 'buckets:', not "
              + describe(root));
      return new Result(null, List.copyOf(diagnostics));
    }
    PipelineConfig config = pipeline((MappingNode) root);
    boolean failed = diagnostics.stream().anyMatch(Diagnostic::isError);
    return new Result(failed ? null : config, List.copyOf(diagnostics));
  }

  private PipelineConfig pipeline(MappingNode root) {
    Map<String, NodeTuple> top = fields(root, TOP_KEYS, null);
    String pipeline = requiredString(top, "pipeline", root, null);
    if (pipeline != null && !PIPELINE_NAME.matcher(pipeline).matches()) {
      error(
          pos(top.get("pipeline").getValueNode()),
          null,
          "pipeline name '"
              + pipeline
              + "' may hold only letters, digits, '-' and '_' (at most 63), since it prefixes the ids of every rule it owns");
    }
    region = requiredString(top, "region", root, null);
    if (region != null && !Arn.isRegion(region)) {
      error(
          pos(top.get("region").getValueNode()),
          null,
          "'" + region + "' is not an AWS region name such as us-east-1");
      region = null;
    }
    Map<String, Queue> queues = queues(top.get("queues"));
    List<Bucket> buckets = buckets(top.get("buckets"), root);
    Outputs outputs = outputs(top.get("outputs"));
    PipelineConfig.Results results = results(top.get("results"));
    Map<String, PipelineConfig.Workflow> workflows =
        workflows(top.get("workflows"), queues, results);
    FanOutSection fanOut = new FanOutSection(this);
    Map<String, PipelineConfig.Topic> topics = fanOut.topics(top.get("topics"), queues, buckets);
    PipelineConfig.Quarantine quarantine =
        fanOut.quarantine(top.get("quarantine"), buckets, outputs, topics, queues);
    crossChecks(buckets, queues);
    workflowRules(buckets, workflows, outputs);
    OutputLoops.check(buckets, queues, outputs, this::error, this::warning);
    return new PipelineConfig(
        pipeline,
        region,
        buckets,
        queues,
        audit(top.get("audit")),
        budget(top.get("budget")),
        outputs,
        results,
        workflows,
        topics,
        quarantine);
  }

  // ---- buckets and rules -------------------------------------------------------------------

  private List<Bucket> buckets(NodeTuple entry, MappingNode root) {
    if (entry == null) {
      error(pos(root), null, "missing 'buckets': list at least one bucket with its rules");
      return List.of();
    }
    List<Bucket> buckets = new ArrayList<>();
    Map<String, Position> seen = new HashMap<>();
    for (Node node : sequence(entry.getValueNode(), "buckets", null)) {
      Map<String, NodeTuple> f = fields(node, BUCKET_KEYS, "bucket");
      if (f == null) {
        continue;
      }
      String name = requiredString(f, "name", node, "bucket");
      String subject = name == null ? "bucket" : "bucket " + name;
      if (name != null) {
        Position p = pos(f.get("name").getValueNode());
        BucketNames.problem(name)
            .ifPresent(why -> error(p, subject, "invalid bucket name: it " + why));
        Position first = seen.putIfAbsent(name, p);
        if (first != null) {
          error(
              p,
              subject,
              "bucket is listed twice (first at line "
                  + first.line()
                  + "): merge its rules into one entry");
        }
      }
      boolean eventBridge = bool(f.get("eventBridge"), subject);
      List<Rule> rules = new ArrayList<>();
      List<PipelineConfig.WorkflowRule> workflowRules = new ArrayList<>();
      if (f.containsKey("rules")) {
        for (Node ruleNode : sequence(f.get("rules").getValueNode(), "rules", subject)) {
          Rule rule = rule(ruleNode, workflowRules);
          if (rule != null) {
            rules.add(rule);
          }
        }
      } else if (!eventBridge) {
        warning(
            pos(node), subject, "has no rules and eventBridge is off: nothing will be delivered");
      }
      if (!workflowRules.isEmpty() && !eventBridge) {
        error(
            workflowRules.get(0).position(),
            subject,
            "rule "
                + workflowRules.get(0).id()
                + " starts a workflow, which S3 can only reach through EventBridge: set"
                + " eventBridge: true on the bucket");
      }
      buckets.add(
          new Bucket(name, eventBridge, List.copyOf(rules), List.copyOf(workflowRules), pos(node)));
    }
    return buckets;
  }

  private Rule rule(Node node, List<PipelineConfig.WorkflowRule> workflowRules) {
    String peeked = peekId(node);
    Map<String, NodeTuple> f = fields(node, RULE_KEYS, peeked == null ? "rule" : "rule " + peeked);
    if (f == null) {
      return null;
    }
    String id = requiredString(f, "id", node, "rule");
    String subject = id == null ? "rule at line " + pos(node).line() : "rule " + id;
    if (id != null && !RULE_ID.matcher(id).matches()) {
      error(
          pos(f.get("id").getValueNode()),
          subject,
          "rule id may hold only letters, digits, '.', '-' and '_' (at most 128)");
    }
    List<String> events = events(f.get("events"), node, subject);
    String prefix = "";
    String suffix = "";
    NodeTuple filter = f.get("filter");
    if (filter != null
        && !(filter.getValueNode() instanceof ScalarNode s && s.getValue().isEmpty())) {
      Map<String, NodeTuple> ff = fields(filter.getValueNode(), FILTER_KEYS, subject);
      if (ff != null) {
        prefix = filterValue(ff.get("prefix"), subject, "prefix");
        suffix = filterValue(ff.get("suffix"), subject, "suffix");
      }
    }
    NodeTuple t = f.get("target");
    if (t != null
        && t.getValueNode() instanceof MappingNode m
        && m.getValue().size() == 1
        && "workflow".equals(keyOf(m.getValue().get(0)))) {
      Node w = m.getValue().get(0).getValueNode();
      String workflow = scalar(w, subject, "a workflow name under workflows:");
      for (String e : events) {
        if (!e.startsWith("s3:ObjectCreated:") && !e.equals("s3:ObjectRestore:Completed")) {
          error(
              pos(f.get("events").getValueNode()),
              subject,
              "starts a workflow on "
                  + e
                  + ": a workflow processes objects, so it starts on s3:ObjectCreated:* or"
                  + " s3:ObjectRestore:Completed only");
        }
      }
      if (workflow != null) {
        workflowRules.add(
            new PipelineConfig.WorkflowRule(id, events, prefix, suffix, workflow, pos(w)));
      }
      return null;
    }
    Target target = target(t, node, subject);
    return new Rule(id, events, prefix, suffix, target, pos(node));
  }

  private List<String> events(NodeTuple entry, Node ruleNode, String subject) {
    if (entry == null) {
      error(pos(ruleNode), subject, "missing 'events': e.g. events: [s3:ObjectCreated:*]");
      return List.of();
    }
    List<Node> nodes =
        entry.getValueNode() instanceof ScalarNode
            ? List.of(entry.getValueNode())
            : sequence(entry.getValueNode(), "events", subject);
    if (nodes.isEmpty()) {
      error(
          pos(entry.getValueNode()),
          subject,
          "'events' is empty: name at least one, e.g. s3:ObjectCreated:*");
    }
    List<String> events = new ArrayList<>();
    for (Node n : nodes) {
      String event = scalar(n, subject, "an event name");
      if (event == null) {
        continue;
      }
      if (!S3Events.isKnown(event)) {
        String hint =
            DidYouMean.suggest(event, S3Events.ALL).map(s -> "did you mean " + s + "? ").orElse("");
        error(
            pos(n),
            subject,
            "unknown S3 event '"
                + event
                + "': "
                + hint
                + "S3 knows "
                + String.join(", ", S3Events.ALL));
        continue;
      }
      if (events.contains(event)) {
        warning(pos(n), subject, "event " + event + " is listed twice");
        continue;
      }
      events.add(event);
    }
    return List.copyOf(events);
  }

  private String filterValue(NodeTuple entry, String subject, String what) {
    if (entry == null) {
      return "";
    }
    String value = scalar(entry.getValueNode(), subject, "a " + what);
    if (value == null) {
      return "";
    }
    if (value.contains("*") || value.contains("?")) {
      error(
          pos(entry.getValueNode()),
          subject,
          "filter "
              + what
              + " '"
              + value
              + "' contains a wildcard, but S3 "
              + what
              + "es are literal: "
              + "write the literal "
              + what
              + " (e.g. "
              + ("prefix".equals(what) ? "uploads/images/" : ".jpg")
              + ") and use one rule per alternative");
    }
    if (value.length() > 1024) {
      error(
          pos(entry.getValueNode()),
          subject,
          "filter " + what + " is longer than S3's 1024 characters");
    }
    return value;
  }

  private Target target(NodeTuple entry, Node ruleNode, String subject) {
    if (entry == null) {
      error(pos(ruleNode), subject, "missing 'target': give exactly one of queue, topic or lambda");
      return null;
    }
    Map<String, NodeTuple> f = fields(entry.getValueNode(), TARGET_KEYS, subject);
    if (f == null) {
      return null;
    }
    if (f.size() != 1) {
      error(
          pos(entry.getValueNode()),
          subject,
          "target must name exactly one of queue, topic or lambda, found "
              + (f.isEmpty() ? "none" : String.join(" and ", f.keySet()))
              + (f.size() > 1
                  ? ": split it into one rule per target, with different filters or events"
                  : ""));
      return null;
    }
    Map.Entry<String, NodeTuple> only = f.entrySet().iterator().next();
    if (only.getKey().equals("workflow")) {
      error(
          pos(entry.getValueNode()),
          subject,
          "a workflow target is written alone: target: { workflow: NAME }");
      return null;
    }
    TargetType type = TargetType.valueOf(only.getKey().toUpperCase());
    Node valueNode = only.getValue().getValueNode();
    String ref = scalar(valueNode, subject, "a " + type.key + " name or ARN");
    if (ref == null || ref.isBlank()) {
      if (ref != null) {
        error(pos(valueNode), subject, "target " + type.key + " is empty: give a name or an ARN");
      }
      return null;
    }
    Position p = pos(valueNode);
    String name = ref;
    if (Arn.looksLikeArn(ref)) {
      var arn = Arn.parse(ref);
      if (arn.isEmpty()) {
        error(
            p,
            subject,
            "malformed ARN '"
                + ref
                + "': expected arn:aws:"
                + type.service
                + ":REGION:ACCOUNT:"
                + (type == TargetType.LAMBDA ? "function:NAME" : "NAME"));
        return null;
      }
      Arn a = arn.get();
      if (!a.service().equals(type.service)) {
        error(
            p,
            subject,
            "target "
                + type.key
                + " has an ARN of service '"
                + a.service()
                + "': a "
                + type.key
                + " ARN starts with arn:"
                + a.partition()
                + ":"
                + type.service
                + ":");
        return null;
      }
      if (!Arn.isRegion(a.region()) || a.account() == null) {
        error(
            p, subject, "malformed ARN '" + ref + "': it needs a region and a 12-digit account id");
        return null;
      }
      if (type == TargetType.LAMBDA && !a.resource().startsWith("function:")) {
        error(
            p,
            subject,
            "malformed ARN '"
                + ref
                + "': a Lambda target is arn:aws:lambda:REGION:ACCOUNT:function:NAME");
        return null;
      }
      if (region != null && !a.region().equals(region)) {
        error(
            p,
            subject,
            "the "
                + type.key
                + " is in "
                + a.region()
                + " but the bucket is in "
                + region
                + ": S3 delivers notifications only within one region; create the "
                + type.key
                + " in "
                + region);
      }
      name = a.name();
    } else {
      Pattern valid =
          switch (type) {
            case QUEUE -> QUEUE_NAME;
            case TOPIC -> TOPIC_NAME;
            case LAMBDA -> FUNCTION_NAME;
          };
      if (!valid.matcher(ref).matches()) {
        error(p, subject, "'" + ref + "' is not a valid " + type.key + " name");
      }
    }
    if (type != TargetType.LAMBDA && name.endsWith(".fifo")) {
      error(
          p,
          subject,
          "S3 cannot deliver event notifications to a FIFO "
              + type.key
              + " ("
              + name
              + "): use a standard "
              + type.key
              + ", or turn on eventBridge for the bucket and route through an EventBridge rule to the FIFO "
              + type.key);
    }
    return new Target(type, ref);
  }

  // ---- queues ------------------------------------------------------------------------------

  private Map<String, Queue> queues(NodeTuple entry) {
    Map<String, Queue> queues = new LinkedHashMap<>();
    if (entry == null) {
      return queues;
    }
    Node node = entry.getValueNode();
    if (!(node instanceof MappingNode mapping)) {
      error(
          pos(node),
          null,
          "'queues' must be a mapping of queue name to its settings, not " + describe(node));
      return queues;
    }
    for (NodeTuple t : mapping.getValue()) {
      String name = scalar(t.getKeyNode(), null, "a queue name");
      if (name == null) {
        continue;
      }
      String subject = "queue " + name;
      if (queues.containsKey(name)) {
        error(pos(t.getKeyNode()), subject, "queue is defined twice: keep one definition");
        continue;
      }
      if (!QUEUE_NAME.matcher(name).matches()) {
        error(
            pos(t.getKeyNode()),
            subject,
            "invalid queue name: use up to 80 letters, digits, '-' and '_' (FIFO names end in .fifo)");
      }
      Queue q = queue(name, t.getValueNode(), subject);
      if (q != null) {
        queues.put(name, q);
      }
    }
    return queues;
  }

  private Queue queue(String name, Node node, String subject) {
    if (node instanceof ScalarNode s && s.getValue().isEmpty()) {
      return new Queue(
          name, Duration.ofSeconds(30), Duration.ofDays(4), null, null, null, pos(node));
    }
    Map<String, NodeTuple> f = fields(node, QUEUE_KEYS, subject);
    if (f == null) {
      return null;
    }
    Duration visibility = duration(f.get("visibilityTimeout"), subject, Duration.ofSeconds(30));
    if (visibility.compareTo(SQS_MAX_VISIBILITY) > 0) {
      error(
          pos(f.get("visibilityTimeout").getValueNode()),
          subject,
          "visibilityTimeout " + Durations.format(visibility) + " is over SQS's maximum of 12h");
    }
    Duration retention = retention(f.get("retention"), subject, Duration.ofDays(4));
    Duration consumerTimeout = null;
    if (f.containsKey("consumer")) {
      Map<String, NodeTuple> c = fields(f.get("consumer").getValueNode(), CONSUMER_KEYS, subject);
      if (c != null && c.containsKey("timeout")) {
        consumerTimeout = duration(c.get("timeout"), subject, null);
        if (consumerTimeout != null && visibility.compareTo(consumerTimeout.multipliedBy(6)) < 0) {
          Node at =
              f.containsKey("visibilityTimeout")
                  ? f.get("visibilityTimeout").getValueNode()
                  : c.get("timeout").getValueNode();
          error(
              pos(at),
              subject,
              "visibilityTimeout "
                  + Durations.format(visibility)
                  + " is under 6x the consumer timeout "
                  + Durations.format(consumerTimeout)
                  + ": a message would reappear while still being processed; set visibilityTimeout to at least "
                  + Durations.format(consumerTimeout.multipliedBy(6)));
        }
      }
    }
    Dlq dlq = null;
    if (f.containsKey("dlq")) {
      dlq = dlq(name, f.get("dlq").getValueNode(), subject, retention);
    } else {
      warning(
          pos(node),
          subject,
          "has no dlq: a message that keeps failing is retried until it expires; add dlq: { maxReceiveCount: 5 }");
    }
    String processor = null;
    if (f.containsKey("processor")) {
      processor = scalar(f.get("processor").getValueNode(), subject, "a processor name");
      if (processor != null && !PipelineConfig.PROCESSORS.contains(processor)) {
        String hint =
            DidYouMean.suggest(processor, PipelineConfig.PROCESSORS)
                .map(s -> "did you mean " + s + "? ")
                .orElse("");
        error(
            pos(f.get("processor").getValueNode()),
            subject,
            "unknown processor '"
                + processor
                + "': "
                + hint
                + "s3proc's processors are "
                + String.join(", ", PipelineConfig.PROCESSORS));
        processor = null;
      }
    }
    return new Queue(name, visibility, retention, consumerTimeout, dlq, processor, pos(node));
  }

  private Dlq dlq(String queueName, Node node, String subject, Duration sourceRetention) {
    Map<String, NodeTuple> f = fields(node, DLQ_KEYS, subject);
    if (f == null) {
      return null;
    }
    boolean fifo = queueName.endsWith(".fifo");
    String defaultName = fifo ? queueName.replace(".fifo", "-dlq.fifo") : queueName + "-dlq";
    String name =
        f.containsKey("name")
            ? scalar(f.get("name").getValueNode(), subject, "a queue name")
            : defaultName;
    if (name != null && !QUEUE_NAME.matcher(name).matches()) {
      error(
          pos(f.get("name").getValueNode()),
          subject,
          "invalid dlq name '" + name + "': use up to 80 letters, digits, '-' and '_'");
    }
    if (name != null && fifo != name.endsWith(".fifo")) {
      error(
          pos(f.containsKey("name") ? f.get("name").getValueNode() : node),
          subject,
          "the dlq of a "
              + (fifo ? "FIFO" : "standard")
              + " queue must be "
              + (fifo ? "FIFO (name ending in .fifo)" : "standard (no .fifo)"));
    }
    int maxReceiveCount = 5;
    if (f.containsKey("maxReceiveCount")) {
      Node n = f.get("maxReceiveCount").getValueNode();
      String text = scalar(n, subject, "a whole number");
      try {
        maxReceiveCount = Integer.parseInt(text == null ? "" : text.trim());
        if (maxReceiveCount < 1 || maxReceiveCount > 1000) {
          error(
              pos(n),
              subject,
              "dlq maxReceiveCount " + maxReceiveCount + " must be between 1 and 1000");
        } else if (maxReceiveCount < 5) {
          warning(
              pos(n),
              subject,
              "dlq maxReceiveCount "
                  + maxReceiveCount
                  + " is under 5: a message may reach the DLQ after a transient error or a throttled batch; 5 or more is safer");
        }
      } catch (NumberFormatException e) {
        if (text != null) {
          error(pos(n), subject, "dlq maxReceiveCount '" + text + "' is not a whole number");
        }
      }
    }
    Duration retention = retention(f.get("retention"), subject, Duration.ofDays(14));
    if (retention.compareTo(sourceRetention) < 0) {
      Node at = f.containsKey("retention") ? f.get("retention").getValueNode() : node;
      error(
          pos(at),
          subject,
          "dlq retention "
              + Durations.format(retention)
              + " is shorter than the queue's "
              + Durations.format(sourceRetention)
              + ": SQS keeps a message's original enqueue time, so it could expire in the DLQ before anyone sees it; "
              + "make the dlq retention at least "
              + Durations.format(sourceRetention)
              + " (14d is usual)");
    }
    return new Dlq(name, maxReceiveCount, retention);
  }

  private Duration retention(NodeTuple entry, String subject, Duration fallback) {
    Duration d = duration(entry, subject, fallback);
    if (entry != null && d.compareTo(SQS_MAX_RETENTION) > 0) {
      error(
          pos(entry.getValueNode()),
          subject,
          "retention " + Durations.format(d) + " is over SQS's maximum of 14d");
      return SQS_MAX_RETENTION;
    }
    if (entry != null && d.compareTo(SQS_MIN_RETENTION) < 0) {
      error(
          pos(entry.getValueNode()),
          subject,
          "retention " + Durations.format(d) + " is under SQS's minimum of 60s");
    }
    return d;
  }

  // ---- audit and budget --------------------------------------------------------------------

  private Audit audit(NodeTuple entry) {
    String table = DEFAULT_AUDIT_TABLE;
    Duration ttl = Duration.ofDays(90);
    if (entry != null) {
      Map<String, NodeTuple> f = fields(entry.getValueNode(), AUDIT_KEYS, "audit");
      if (f != null) {
        if (f.containsKey("table")) {
          String t = scalar(f.get("table").getValueNode(), "audit", "a table name");
          if (t != null && !TABLE_NAME.matcher(t).matches()) {
            error(
                pos(f.get("table").getValueNode()),
                "audit",
                "table name '" + t + "' must be 3 to 255 letters, digits, '.', '-' or '_'");
          }
          table = t == null ? table : t;
        }
        ttl = duration(f.get("ttl"), "audit", ttl);
      }
    }
    return new Audit(table, ttl);
  }

  private Budget budget(NodeTuple entry) {
    BigDecimal cost = new BigDecimal("0.01");
    if (entry != null) {
      Map<String, NodeTuple> f = fields(entry.getValueNode(), BUDGET_KEYS, "budget");
      if (f != null && f.containsKey("costPerFile")) {
        Node n = f.get("costPerFile").getValueNode();
        String text = scalar(n, "budget", "a number of US dollars");
        try {
          cost = new BigDecimal(text == null ? "" : text.trim().replace("$", ""));
          if (cost.signum() <= 0) {
            error(pos(n), "budget", "costPerFile must be above zero, in US dollars (e.g. 0.01)");
          }
        } catch (NumberFormatException e) {
          if (text != null) {
            error(
                pos(n),
                "budget",
                "costPerFile '" + text + "' is not a number of US dollars (e.g. 0.01)");
          }
        }
      }
    }
    return new Budget(cost);
  }

  private PipelineConfig.Results results(NodeTuple entry) {
    if (entry == null) {
      return new PipelineConfig.Results(null, Position.UNKNOWN);
    }
    Map<String, NodeTuple> f = fields(entry.getValueNode(), RESULTS_KEYS, "results");
    if (f == null || !f.containsKey("topic")) {
      // an unknown key in its place has been reported already, with what is expected
      if (f != null
          && !(entry.getValueNode() instanceof MappingNode m && !m.getValue().isEmpty())) {
        error(
            pos(entry.getValueNode()),
            "results",
            "missing 'topic': the SNS topic to announce results on");
      }
      return new PipelineConfig.Results(null, Position.UNKNOWN);
    }
    Node n = f.get("topic").getValueNode();
    String topic = scalar(n, "results", "a topic name");
    if (topic != null && (!TOPIC_NAME.matcher(topic).matches() || topic.endsWith(".fifo"))) {
      error(
          pos(n),
          "results",
          "topic '"
              + topic
              + "' must be a standard topic's name: up to 256 letters, digits, '-' and '_'"
              + (topic.endsWith(".fifo")
                  ? " (a FIFO topic would need a message group per result)"
                  : ""));
      topic = null;
    }
    return new PipelineConfig.Results(topic, pos(n));
  }

  // ---- workflows ---------------------------------------------------------------------------

  private Map<String, PipelineConfig.Workflow> workflows(
      NodeTuple entry, Map<String, Queue> queues, PipelineConfig.Results results) {
    Map<String, PipelineConfig.Workflow> out = new LinkedHashMap<>();
    if (entry == null) {
      return out;
    }
    if (!(entry.getValueNode() instanceof MappingNode m)) {
      error(
          pos(entry.getValueNode()),
          "workflows",
          "workflows must be a mapping of names to workflows, e.g. video: { definition: video.asl.json, queue: video-steps }");
      return out;
    }
    for (NodeTuple t : m.getValue()) {
      String name = keyOf(t);
      declaredWorkflows.add(name);
      String subject = "workflow " + name;
      if (!PIPELINE_NAME.matcher(name).matches()) {
        error(
            pos(t.getKeyNode()),
            subject,
            "a workflow name may hold only letters, digits, '-' and '_'");
        continue;
      }
      Map<String, NodeTuple> f = fields(t.getValueNode(), WORKFLOW_KEYS, subject);
      if (f == null) {
        continue;
      }
      String definitionFile = requiredString(f, "definition", t.getValueNode(), subject);
      String definition =
          definitionFile == null ? null : definition(f.get("definition"), definitionFile, subject);
      String queue = workflowQueue(f.get("queue"), t.getValueNode(), subject, queues, true);
      String heavy = workflowQueue(f.get("heavyQueue"), t.getValueNode(), subject, queues, false);
      long heavyAbove = 1L << 30;
      if (f.containsKey("heavyAbove")) {
        Node n = f.get("heavyAbove").getValueNode();
        String v = scalar(n, subject, "a size such as 1GB");
        var sm = v == null ? null : SIZE.matcher(v.strip());
        if (sm == null || !sm.matches()) {
          error(pos(n), subject, "heavyAbove '" + v + "' is not a size such as 500MB or 1GB");
        } else {
          String unit = sm.group(2) == null ? "B" : sm.group(2);
          int shift =
              switch (unit) {
                case "KB" -> 10;
                case "MB" -> 20;
                case "GB" -> 30;
                default -> 0;
              };
          heavyAbove = Long.parseLong(sm.group(1)) << shift;
        }
      }
      Duration heartbeat = duration(f.get("heartbeat"), subject, Duration.ofSeconds(60));
      if (heartbeat.compareTo(Duration.ofSeconds(3)) < 0
          || heartbeat.compareTo(Duration.ofHours(1)) > 0) {
        error(
            pos(f.get("heartbeat").getValueNode()), subject, "heartbeat must be between 3s and 1h");
      }
      if (results.topic() == null) {
        error(
            pos(t.getKeyNode()),
            subject,
            "a workflow announces its result on the results topic: add results: { topic: NAME }");
      }
      if (definition != null && queue != null) {
        out.put(
            name,
            new PipelineConfig.Workflow(
                name,
                definitionFile,
                definition,
                queue,
                heavy == null ? queue : heavy,
                heavyAbove,
                heartbeat,
                pos(t.getKeyNode())));
      }
    }
    return out;
  }

  /** The state machine's file, beside the pipeline file: valid JSON, known substitutions only. */
  private String definition(NodeTuple entry, String relative, String subject) {
    Position p = pos(entry.getValueNode());
    Path parent = Path.of(file).toAbsolutePath().getParent();
    Path path = parent == null ? Path.of(relative) : parent.resolve(relative);
    String text;
    try {
      text = TextFiles.read(path, MAX_FILE_BYTES);
    } catch (TextFiles.Refused e) {
      error(p, subject, "definition " + relative + ": " + e.getMessage());
      return null;
    } catch (NoSuchFileException e) {
      error(
          p,
          subject,
          "definition " + path + " does not exist: it is read relative to the pipeline file");
      return null;
    } catch (IOException e) {
      error(p, subject, "cannot read definition " + path + ": " + e.getMessage());
      return null;
    }
    var names = SUBSTITUTION.matcher(text);
    while (names.find()) {
      if (!SUBSTITUTIONS.contains(names.group(1))) {
        error(
            p,
            subject,
            "definition "
                + relative
                + " uses ${"
                + names.group(1)
                + "}, which s3proc does not fill (it fills "
                + String.join(", ", new java.util.TreeSet<>(SUBSTITUTIONS))
                + ")");
      }
    }
    try {
      Object parsed = com.fasterxml.jackson.jr.ob.JSON.std.anyFrom(text);
      if (!(parsed instanceof Map<?, ?> tree)
          || !(tree.get("States") instanceof Map)
          || !(tree.get("StartAt") instanceof String)) {
        error(
            p,
            subject,
            "definition " + relative + " is not a state machine: it needs StartAt and States");
        return null;
      }
    } catch (IOException e) {
      error(
          p,
          subject,
          "definition "
              + relative
              + " is not valid JSON: "
              + e.getMessage().lines().findFirst().orElse(""));
      return null;
    }
    return text;
  }

  private String workflowQueue(
      NodeTuple entry, Node at, String subject, Map<String, Queue> queues, boolean required) {
    if (entry == null) {
      if (required) {
        error(pos(at), subject, "missing 'queue': the queue under queues: its steps are sent to");
      }
      return null;
    }
    String q = scalar(entry.getValueNode(), subject, "a queue name under queues:");
    if (q == null) {
      return null;
    }
    Queue queue = queues.get(q);
    if (queue == null) {
      error(pos(entry.getValueNode()), subject, "queue " + q + " is not under queues:");
      return null;
    }
    if (queue.processor() == null) {
      error(
          pos(entry.getValueNode()),
          subject,
          "queue " + q + " has no processor: give it the processor that runs the workflow's steps");
    }
    if (required && queue.dlq() == null) {
      error(
          pos(entry.getValueNode()),
          subject,
          "queue "
              + q
              + " has no dlq: a workflow dead-letters the files it fails for good to its steps'"
              + " queue's DLQ (${DeadLetterQueueUrl}); add dlq: { name: "
              + q
              + "-dlq }");
    }
    return q;
  }

  /** Each workflow rule names a workflow that exists and cannot fire on an output. */
  private void workflowRules(
      List<Bucket> buckets, Map<String, PipelineConfig.Workflow> workflows, Outputs outputs) {
    for (Bucket b : buckets) {
      for (PipelineConfig.WorkflowRule r : b.workflowRules()) {
        if (!declaredWorkflows.contains(r.workflow())) {
          error(
              r.position(),
              "rule " + r.id(),
              "workflow '"
                  + r.workflow()
                  + "' is not under workflows:"
                  + DidYouMean.suggest(r.workflow(), List.copyOf(declaredWorkflows))
                      .map(w -> " did you mean " + w + "?")
                      .orElse(
                          declaredWorkflows.isEmpty()
                              ? ""
                              : " (there: " + String.join(", ", declaredWorkflows) + ")"));
        }
        if (b.name() != null && outputs.bucketFor(b.name()).equals(b.name())) {
          String out = outputs.prefix();
          if (out.startsWith(r.prefix()) || r.prefix().startsWith(out)) {
            error(
                r.position(),
                "rule " + r.id(),
                "can fire on the outputs under s3://"
                    + b.name()
                    + "/"
                    + out
                    + ": narrow its prefix, or write outputs to a bucket of their own");
          }
        }
      }
    }
  }

  private Outputs outputs(NodeTuple entry) {
    if (entry == null) {
      return new Outputs(null, DEFAULT_OUTPUT_PREFIX, Position.UNKNOWN);
    }
    Position at = pos(entry.getKeyNode());
    Map<String, NodeTuple> f = fields(entry.getValueNode(), OUTPUTS_KEYS, "outputs");
    if (f == null) {
      return new Outputs(null, DEFAULT_OUTPUT_PREFIX, at);
    }
    String bucket = null;
    if (f.containsKey("bucket")) {
      bucket = scalar(f.get("bucket").getValueNode(), "outputs", "a bucket name");
      Position p = pos(f.get("bucket").getValueNode());
      if (bucket != null) {
        BucketNames.problem(bucket)
            .ifPresent(why -> error(p, "outputs", "invalid bucket name: it " + why));
      }
    }
    String prefix = bucket == null ? DEFAULT_OUTPUT_PREFIX : "";
    if (f.containsKey("prefix")) {
      String p = scalar(f.get("prefix").getValueNode(), "outputs", "a key prefix");
      prefix = p == null ? prefix : p;
      if (prefix.contains("*") || prefix.contains("?")) {
        error(
            pos(f.get("prefix").getValueNode()),
            "outputs",
            "prefix '"
                + prefix
                + "' contains a wildcard: it is a literal key prefix, e.g. processed/");
      }
    }
    return new Outputs(bucket, prefix, at);
  }

  // ---- checks across rules -----------------------------------------------------------------

  /** A rule may send a processor's queue only the event types a processor can act on. */
  private void processorHandles(Rule rule, Map<String, Queue> queues) {
    if (rule.target() == null || rule.target().type() != TargetType.QUEUE) {
      return;
    }
    Queue queue = queues.get(rule.target().ref());
    if (queue == null || queue.processor() == null) {
      return;
    }
    for (String event : rule.events()) {
      if (S3Events.isKnown(event) && !S3Events.processorHandles(event)) {
        error(
            rule.position(),
            "rule " + rule.id(),
            "sends "
                + event
                + " to queue "
                + queue.name()
                + ", whose processor "
                + queue.processor()
                + " cannot act on it (processors handle "
                + S3Events.HANDLED
                + " events): remove it from 'events', or send it to a queue without a processor");
      }
    }
  }

  private void crossChecks(List<Bucket> buckets, Map<String, Queue> queues) {
    Map<String, Rule> ids = new HashMap<>();
    Map<String, String> dlqOwners = new HashMap<>();
    for (Queue q : queues.values()) {
      if (q.dlq() == null || q.dlq().name() == null) {
        continue;
      }
      if (queues.containsKey(q.dlq().name())) {
        error(
            q.position(),
            "queue " + q.name(),
            "its dlq "
                + q.dlq().name()
                + " is also defined as a queue under 'queues': give the dlq its own name");
      }
      String other = dlqOwners.putIfAbsent(q.dlq().name(), q.name());
      if (other != null) {
        warning(
            q.position(),
            "queue " + q.name(),
            "shares its dlq "
                + q.dlq().name()
                + " with queue "
                + other
                + ": redrive will need --to");
      }
    }
    for (Bucket bucket : buckets) {
      List<Rule> rules = bucket.rules();
      for (int i = 0; i < rules.size(); i++) {
        Rule rule = rules.get(i);
        if (rule.id() != null) {
          Rule first = ids.putIfAbsent(rule.id(), rule);
          if (first != null) {
            error(
                rule.position(),
                "rule " + rule.id(),
                "duplicate rule id (first used at line "
                    + first.position().line()
                    + "): rule ids must be unique in a pipeline");
          }
        }
        processorHandles(rule, queues);
        for (int j = 0; j < i; j++) {
          Rule earlier = rules.get(j);
          FilterOverlap.sharedEvent(earlier, rule)
              .ifPresent(
                  event ->
                      error(
                          rule.position(),
                          "rule " + rule.id(),
                          "overlaps rule "
                              + earlier.id()
                              + " (line "
                              + earlier.position().line()
                              + ") on "
                              + event
                              + ": "
                              + describeFilter(rule)
                              + " and "
                              + describeFilter(earlier)
                              + " can match the same key, which S3 rejects; make the prefixes or suffixes disjoint, or the events"));
        }
        Target t = rule.target();
        if (t != null
            && t.type() == TargetType.QUEUE
            && !t.isArn()
            && !queues.containsKey(t.ref())) {
          warning(
              rule.position(),
              "rule " + rule.id(),
              "queue "
                  + t.ref()
                  + " is not defined under 'queues': it must exist already, or it is created with SQS defaults and no DLQ");
        }
      }
    }
  }

  private static String describeFilter(Rule r) {
    return "prefix '" + r.prefix() + "' suffix '" + r.suffix() + "'";
  }

  // ---- YAML helpers ------------------------------------------------------------------------

  /** A rule's id, read before its fields are checked, so that every message can name the rule. */
  private static String peekId(Node node) {
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k
            && k.getValue().equals("id")
            && t.getValueNode() instanceof ScalarNode v) {
          return v.getValue();
        }
      }
    }
    return null;
  }

  /**
   * The fields of a mapping, reporting unknown and duplicate keys; null when the node is no
   * mapping.
   */
  Map<String, NodeTuple> fields(Node node, Set<String> allowed, String subject) {
    if (!(node instanceof MappingNode mapping)) {
      error(
          pos(node),
          subject,
          "expected a mapping with keys "
              + String.join(", ", sorted(allowed))
              + ", found "
              + describe(node));
      return null;
    }
    Map<String, NodeTuple> fields = new LinkedHashMap<>();
    for (NodeTuple t : mapping.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
      if (key == null) {
        error(pos(t.getKeyNode()), subject, "keys must be plain words");
        continue;
      }
      if (!allowed.contains(key)) {
        String hint =
            key.length() > 64
                ? ""
                : DidYouMean.suggest(key, allowed)
                    .map(s -> "did you mean '" + s + "'? ")
                    .orElse("");
        error(
            pos(t.getKeyNode()),
            subject,
            "unknown key '"
                + (key.length() > 64 ? key.substring(0, 64) + "…" : key)
                + "': "
                + hint
                + "expected one of "
                + String.join(", ", sorted(allowed)));
        continue;
      }
      if (fields.containsKey(key)) {
        error(
            pos(t.getKeyNode()),
            subject,
            "key '"
                + key
                + "' appears twice (first at line "
                + pos(fields.get(key).getKeyNode()).line()
                + ")");
        continue;
      }
      fields.put(key, t);
    }
    return fields;
  }

  List<Node> sequence(Node node, String what, String subject) {
    if (node instanceof SequenceNode seq) {
      return seq.getValue();
    }
    if (node instanceof ScalarNode s && s.getValue().isEmpty()) {
      return List.of();
    }
    error(
        pos(node),
        subject,
        "'" + what + "' must be a list (items start with '- '), not " + describe(node));
    return List.of();
  }

  private String requiredString(
      Map<String, NodeTuple> fields, String key, Node owner, String subject) {
    if (fields == null) {
      return null;
    }
    NodeTuple t = fields.get(key);
    if (t == null) {
      error(pos(owner), subject, "missing '" + key + "'");
      return null;
    }
    String value = scalar(t.getValueNode(), subject, "a string");
    if (value != null && value.isBlank()) {
      error(pos(t.getValueNode()), subject, "'" + key + "' is empty");
      return null;
    }
    return value;
  }

  /** No setting takes more than S3's longest, a 1,024-character filter prefix. */
  static final int MAX_SCALAR = 1024;

  String scalar(Node node, String subject, String expected) {
    if (node instanceof ScalarNode s) {
      if (s.getValue().length() > MAX_SCALAR) {
        error(
            pos(node),
            subject,
            "expected "
                + expected
                + ", found a value of "
                + s.getValue().length()
                + " characters (no setting takes more than "
                + MAX_SCALAR
                + ")");
        return null;
      }
      return s.getValue();
    }
    error(pos(node), subject, "expected " + expected + ", found " + describe(node));
    return null;
  }

  boolean bool(NodeTuple entry, String subject) {
    if (entry == null) {
      return false;
    }
    String v = scalar(entry.getValueNode(), subject, "true or false");
    if ("true".equalsIgnoreCase(v)) {
      return true;
    }
    if (v != null && !"false".equalsIgnoreCase(v)) {
      error(
          pos(entry.getValueNode()), subject, keyOf(entry) + ": '" + v + "' is not true or false");
    }
    return false;
  }

  private Duration duration(NodeTuple entry, String subject, Duration fallback) {
    if (entry == null) {
      return fallback;
    }
    String text = scalar(entry.getValueNode(), subject, "a duration such as 30s");
    if (text == null) {
      return fallback;
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      error(pos(entry.getValueNode()), subject, keyOf(entry) + ": " + e.getMessage());
      return fallback;
    }
  }

  static String keyOf(NodeTuple t) {
    return t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "value";
  }

  private static List<String> sorted(Set<String> keys) {
    return keys.stream().sorted().toList();
  }

  private static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    String v = ((ScalarNode) node).getValue();
    return v.isEmpty() ? "nothing" : "'" + (v.length() > 80 ? v.substring(0, 80) + "…" : v) + "'";
  }

  static Position pos(Node node) {
    return pos(node.getStartMark());
  }

  private static Position pos(Mark mark) {
    return mark == null ? Position.UNKNOWN : new Position(mark.getLine() + 1, mark.getColumn() + 1);
  }

  void error(Position p, String subject, String message) {
    diagnostics.add(Diagnostic.error(file, p, subject, message));
  }

  void warning(Position p, String subject, String message) {
    diagnostics.add(Diagnostic.warning(file, p, subject, message));
  }
}
