package dev.s3proc.cli.rules;

import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.cli.aws.Parallel;
import dev.s3proc.core.audit.AuditSchema;
import dev.s3proc.core.config.Arn;
import dev.s3proc.core.config.PipelineConfig;
import dev.s3proc.core.config.PipelineConfig.TargetType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.dynamodb.model.DescribeTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.NotificationConfigurationFilter;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/** Reads the live state of everything a pipeline touches. Reads only; changes nothing. */
public final class LiveStateReader {
  private final ClientFactory clients;

  public LiveStateReader(ClientFactory clients) {
    this.clients = clients;
  }

  /**
   * Reads everything in parallel: against AWS each call is tens of milliseconds, and a pipeline
   * needs a dozen or more. The first failure, if any, is rethrown as it was.
   */
  public LiveState read(PipelineConfig config) {
    ExecutorService pool = Parallel.pool("s3proc-read", 8);
    try {
      CompletableFuture<String> account =
          CompletableFuture.supplyAsync(() -> clients.sts().getCallerIdentity().account(), pool);
      Map<String, CompletableFuture<LiveState.Bucket>> buckets = new LinkedHashMap<>();
      config
          .buckets()
          .forEach(
              b ->
                  buckets.put(
                      b.name(), CompletableFuture.supplyAsync(() -> bucket(b.name()), pool)));
      String outputs = config.outputs().bucket();
      if (outputs != null) {
        buckets.computeIfAbsent(
            outputs, name -> CompletableFuture.supplyAsync(() -> bucket(name), pool));
      }
      if (config.quarantine() != null) {
        buckets.computeIfAbsent(
            config.quarantine().bucket(),
            name -> CompletableFuture.supplyAsync(() -> bucket(name), pool));
      }
      CompletableFuture<Map<String, String>> listed =
          CompletableFuture.supplyAsync(this::listedQueueUrls, pool);
      Map<String, CompletableFuture<LiveState.Queue>> queues = new LinkedHashMap<>();
      Set<String> byName = Names.queuesNamedIn(config, t -> !t.isArn());
      byName.forEach(q -> queues.put(q, listed.thenApplyAsync(urls -> queue(q, urls), pool)));
      CompletableFuture<LiveState.Table> table =
          CompletableFuture.supplyAsync(() -> table(config.audit().table()), pool);
      CompletableFuture<Map<String, LiveState.Alarm>> alarms =
          CompletableFuture.supplyAsync(() -> alarms(Names.alarmPrefix(config.pipeline())), pool);

      Names names = new Names(config, clients.partition(), join(account));
      for (String q : names.managedQueueNames()) {
        queues.computeIfAbsent(q, name -> listed.thenApplyAsync(urls -> queue(name, urls), pool));
      }
      Map<String, CompletableFuture<LiveState.Topic>> topics = new LinkedHashMap<>();
      Map<String, CompletableFuture<LiveState.Function>> functions = new LinkedHashMap<>();
      for (PipelineConfig.Bucket b : config.buckets()) {
        for (PipelineConfig.Rule r : b.rules()) {
          String arn = names.targetArn(r.target());
          if (r.target().type() == TargetType.TOPIC) {
            topics.computeIfAbsent(arn, a -> CompletableFuture.supplyAsync(() -> topic(a), pool));
          } else if (r.target().type() == TargetType.LAMBDA) {
            functions.computeIfAbsent(
                arn, a -> CompletableFuture.supplyAsync(() -> function(a), pool));
          }
        }
      }
      if (config.results().topic() != null) {
        String arn =
            names.targetArn(new PipelineConfig.Target(TargetType.TOPIC, config.results().topic()));
        topics.computeIfAbsent(arn, a -> CompletableFuture.supplyAsync(() -> topic(a), pool));
      }
      for (PipelineConfig.Topic t : config.topics().values()) {
        // a fan-out topic: read with its subscriptions (put first, so a rule's target of the same
        // name is read once, with them)
        String arn = names.targetArn(new PipelineConfig.Target(TargetType.TOPIC, t.name()));
        topics.put(arn, CompletableFuture.supplyAsync(() -> topicWithSubscriptions(arn), pool));
      }
      Map<String, CompletableFuture<List<LiveState.Function>>> consumers = new LinkedHashMap<>();
      for (PipelineConfig.Queue q : config.queues().values()) {
        if (q.processor() != null) {
          String arn = names.queueArn(q.name());
          consumers.put(q.name(), CompletableFuture.supplyAsync(() -> consumers(arn), pool));
        }
      }
      Map<String, CompletableFuture<LiveState.StateMachine>> machines = new LinkedHashMap<>();
      for (PipelineConfig.Workflow w : config.workflows().values()) {
        String name = w.stateMachineName(config.pipeline());
        String arn = names.stateMachineArn(w);
        machines.put(name, CompletableFuture.supplyAsync(() -> stateMachine(name, arn), pool));
      }
      CompletableFuture<Map<String, LiveState.EventRule>> eventRules =
          config.workflows().isEmpty()
              ? CompletableFuture.completedFuture(Map.of())
              : CompletableFuture.supplyAsync(() -> eventRules(names.statementPrefix()), pool);
      Map<String, LiveState.Alarm> alarmMap = Map.of();
      String alarmsUnavailable = null;
      try {
        alarmMap = join(alarms);
      } catch (SdkClientException e) {
        alarmsUnavailable =
            "CloudWatch is not reachable (" + e.getMessage() + "): alarms are not planned";
      }
      Map<String, LiveState.Queue> queueMap = new LinkedHashMap<>();
      names.managedQueueNames().forEach(q -> queueMap.put(q, join(queues.get(q))));
      return new LiveState(
          names.account(),
          names.partition(),
          config.region(),
          joinAll(buckets),
          queueMap,
          joinAll(topics),
          joinAll(functions),
          joinAll(consumers),
          join(table),
          alarmMap,
          alarmsUnavailable,
          joinAll(machines),
          join(eventRules));
    } finally {
      pool.shutdownNow();
    }
  }

  private static <K, V> Map<K, V> joinAll(Map<K, CompletableFuture<V>> futures) {
    Map<K, V> out = new LinkedHashMap<>();
    futures.forEach((k, f) -> out.put(k, join(f)));
    return out;
  }

  /** Waits for a read and rethrows its own exception, not a CompletionException around it. */
  private static <T> T join(CompletableFuture<T> future) {
    return Parallel.join(future);
  }

  LiveState.Bucket bucket(String name) {
    NotificationConfiguration raw;
    try {
      raw = read(clients.s3().getBucketNotificationConfiguration(r -> r.bucket(name)));
    } catch (NoSuchBucketException e) {
      return new LiveState.Bucket(name, false, null, List.of(), false);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return new LiveState.Bucket(name, false, null, List.of(), false);
      }
      throw e;
    }
    return new LiveState.Bucket(
        name, true, raw, normalize(raw), raw.eventBridgeConfiguration() != null);
  }

  static NotificationConfiguration read(GetBucketNotificationConfigurationResponse r) {
    return NotificationConfiguration.builder()
        .queueConfigurations(r.queueConfigurations())
        .topicConfigurations(r.topicConfigurations())
        .lambdaFunctionConfigurations(r.lambdaFunctionConfigurations())
        .eventBridgeConfiguration(r.eventBridgeConfiguration())
        .build();
  }

  static List<LiveState.Notification> normalize(NotificationConfiguration raw) {
    List<LiveState.Notification> list = new ArrayList<>();
    raw.queueConfigurations()
        .forEach(
            q ->
                list.add(
                    notification(
                        q.id(), TargetType.QUEUE, q.queueArn(), q.eventsAsStrings(), q.filter())));
    raw.topicConfigurations()
        .forEach(
            t ->
                list.add(
                    notification(
                        t.id(), TargetType.TOPIC, t.topicArn(), t.eventsAsStrings(), t.filter())));
    raw.lambdaFunctionConfigurations()
        .forEach(
            l ->
                list.add(
                    notification(
                        l.id(),
                        TargetType.LAMBDA,
                        l.lambdaFunctionArn(),
                        l.eventsAsStrings(),
                        l.filter())));
    list.sort(Comparator.comparing(n -> String.valueOf(n.id())));
    return list;
  }

  private static LiveState.Notification notification(
      String id,
      TargetType type,
      String arn,
      List<String> events,
      NotificationConfigurationFilter filter) {
    String prefix = "";
    String suffix = "";
    if (filter != null && filter.key() != null) {
      for (FilterRule rule : filter.key().filterRules()) {
        String name = String.valueOf(rule.nameAsString()).toLowerCase(Locale.ROOT);
        if (name.equals("prefix")) {
          prefix = rule.value();
        } else if (name.equals("suffix")) {
          suffix = rule.value();
        }
      }
    }
    return new LiveState.Notification(
        id, type, arn, List.copyOf(new TreeSet<>(events)), prefix, suffix);
  }

  /**
   * Queue name to URL from one page of ListQueues: one request instead of a GetQueueUrl per queue.
   * A queue not on it (created moments ago — the listing is eventually consistent — or past the
   * first 1,000) is asked for by name.
   */
  private Map<String, String> listedQueueUrls() {
    Map<String, String> urls = new LinkedHashMap<>();
    try {
      for (String url : clients.sqs().listQueues(r -> r.maxResults(1000)).queueUrls()) {
        urls.put(url.substring(url.lastIndexOf('/') + 1), url);
      }
    } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
      return Map.of(); // e.g. no sqs:ListQueues in the caller's policy: each queue by name, then
    }
    return urls;
  }

  LiveState.Queue queue(String name) {
    return queue(name, Map.of());
  }

  private LiveState.Queue queue(String name, Map<String, String> listed) {
    try {
      String url = listed.get(name);
      if (url == null) {
        url = clients.sqs().getQueueUrl(r -> r.queueName(name)).queueUrl();
      }
      String queueUrl = url;
      Map<String, String> attributes =
          new LinkedHashMap<>(
              clients
                  .sqs()
                  .getQueueAttributes(
                      r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.ALL))
                  .attributesAsStrings());
      return new LiveState.Queue(name, queueUrl, attributes);
    } catch (QueueDoesNotExistException e) {
      return new LiveState.Queue(name, null, Map.of());
    }
  }

  private LiveState.Topic topic(String arn) {
    try {
      Map<String, String> attributes =
          clients.sns().getTopicAttributes(r -> r.topicArn(arn)).attributes();
      return new LiveState.Topic(arn, true, attributes.get("Policy"), List.of());
    } catch (NotFoundException e) {
      return new LiveState.Topic(arn, false, null, List.of());
    }
  }

  /** A topic and its subscriptions, each with its RawMessageDelivery. */
  private LiveState.Topic topicWithSubscriptions(String arn) {
    LiveState.Topic topic = topic(arn);
    if (!topic.exists()) {
      return topic;
    }
    List<LiveState.Subscription> subscriptions = new ArrayList<>();
    for (var s :
        clients.sns().listSubscriptionsByTopicPaginator(r -> r.topicArn(arn)).subscriptions()) {
      if (s.subscriptionArn() == null || !s.subscriptionArn().startsWith("arn:")) {
        continue; // PendingConfirmation: not a subscription yet
      }
      boolean raw =
          "true"
              .equalsIgnoreCase(
                  clients
                      .sns()
                      .getSubscriptionAttributes(r -> r.subscriptionArn(s.subscriptionArn()))
                      .attributes()
                      .get("RawMessageDelivery"));
      subscriptions.add(
          new LiveState.Subscription(s.subscriptionArn(), s.protocol(), s.endpoint(), raw));
    }
    return new LiveState.Topic(arn, true, topic.policy(), List.copyOf(subscriptions));
  }

  private LiveState.Function function(String arn) {
    int timeout;
    try {
      Integer t = clients.lambda().getFunction(r -> r.functionName(arn)).configuration().timeout();
      timeout = t == null ? 3 : t;
    } catch (ResourceNotFoundException e) {
      return new LiveState.Function(arn, false, null, 0);
    }
    try {
      return new LiveState.Function(
          arn, true, clients.lambda().getPolicy(r -> r.functionName(arn)).policy(), timeout);
    } catch (ResourceNotFoundException e) {
      return new LiveState.Function(arn, true, null, timeout);
    }
  }

  private LiveState.StateMachine stateMachine(String name, String arn) {
    try {
      var d = clients.sfn().describeStateMachine(r -> r.stateMachineArn(arn));
      return new LiveState.StateMachine(name, arn, d.definition(), d.roleArn());
    } catch (software.amazon.awssdk.services.sfn.model.StateMachineDoesNotExistException e) {
      return null;
    }
  }

  /** The EventBridge rules on the default bus whose names carry the pipeline's prefix. */
  private Map<String, LiveState.EventRule> eventRules(String prefix) {
    Map<String, LiveState.EventRule> rules = new LinkedHashMap<>();
    String next = null;
    do {
      String token = next;
      var page =
          clients.eventBridge().listRules(r -> r.namePrefix(prefix).nextToken(token).limit(100));
      for (var rule : page.rules()) {
        List<String> targets =
            clients.eventBridge().listTargetsByRule(r -> r.rule(rule.name())).targets().stream()
                .map(t -> t.arn())
                .toList();
        rules.put(rule.name(), new LiveState.EventRule(rule.name(), rule.eventPattern(), targets));
      }
      next = page.nextToken();
    } while (next != null && !next.isEmpty());
    return rules;
  }

  /** The functions a queue's event source mappings feed (none when it has no mapping yet). */
  private List<LiveState.Function> consumers(String queueArn) {
    List<LiveState.Function> out = new ArrayList<>();
    for (var m :
        clients
            .lambda()
            .listEventSourceMappingsPaginator(r -> r.eventSourceArn(queueArn))
            .eventSourceMappings()) {
      LiveState.Function f = function(m.functionArn());
      if (f.exists()) {
        out.add(f);
      }
    }
    return out;
  }

  private LiveState.Table table(String name) {
    DescribeTableResponse d;
    try {
      d = clients.dynamoDb().describeTable(r -> r.tableName(name));
    } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
      return new LiveState.Table(name, false, null, false, false, null);
    }
    String keys =
        d.table().keySchema().stream()
            .map(k -> k.attributeName() + (k.keyType() == KeyType.HASH ? "(hash)" : "(range)"))
            .reduce((a, b) -> a + "," + b)
            .orElse("");
    boolean index =
        d.table().globalSecondaryIndexes().stream()
            .anyMatch(i -> i.indexName().equals(AuditSchema.TIME_INDEX));
    var ttl = clients.dynamoDb().describeTimeToLive(r -> r.tableName(name)).timeToLiveDescription();
    boolean ttlOn =
        ttl != null
            && (ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLED
                || ttl.timeToLiveStatus() == TimeToLiveStatus.ENABLING);
    return new LiveState.Table(
        name, true, keys, index, ttlOn, ttl == null ? null : ttl.attributeName());
  }

  private Map<String, LiveState.Alarm> alarms(String prefix) {
    Map<String, LiveState.Alarm> alarms = new LinkedHashMap<>();
    for (MetricAlarm a :
        clients
            .cloudWatch()
            .describeAlarmsPaginator(r -> r.alarmNamePrefix(prefix))
            .metricAlarms()) {
      Map<String, String> dims = new LinkedHashMap<>();
      a.dimensions().forEach(d -> dims.put(d.name(), d.value()));
      String namespace = a.namespace();
      String metric = a.metricName();
      String expression = null;
      // a metric math alarm: its expression, and the first metric it reads stands for its subject
      for (var q : a.metrics()) {
        if (q.expression() != null && Boolean.TRUE.equals(q.returnData())) {
          expression = q.expression();
        } else if (q.metricStat() != null && metric == null) {
          namespace = q.metricStat().metric().namespace();
          metric = q.metricStat().metric().metricName();
          q.metricStat().metric().dimensions().forEach(d -> dims.put(d.name(), d.value()));
        }
      }
      alarms.put(
          a.alarmName(),
          new LiveState.Alarm(
              a.alarmName(),
              namespace,
              metric,
              dims,
              a.statisticAsString(),
              a.extendedStatistic(),
              expression,
              a.period() == null ? 0 : a.period(),
              a.evaluationPeriods() == null ? 0 : a.evaluationPeriods(),
              a.threshold() == null ? 0 : a.threshold(),
              a.comparisonOperatorAsString(),
              a.treatMissingData(),
              a.stateValueAsString()));
    }
    return alarms;
  }

  /** Names and ARNs derived from a pipeline in one account. */
  public record Names(PipelineConfig config, String partition, String account) {
    public String targetArn(PipelineConfig.Target t) {
      if (t.isArn()) {
        return t.ref();
      }
      return switch (t.type()) {
        case QUEUE -> Arn.sqs(partition, config.region(), account, t.ref());
        case TOPIC -> Arn.sns(partition, config.region(), account, t.ref());
        case LAMBDA -> Arn.lambda(partition, config.region(), account, t.ref());
      };
    }

    /** Whether a target lives in this account and region, so s3proc may create and configure it. */
    public boolean manages(PipelineConfig.Target t) {
      if (!t.isArn()) {
        return true;
      }
      Arn arn = Arn.parse(t.ref()).orElseThrow();
      return account.equals(arn.account()) && config.region().equals(arn.region());
    }

    public String queueArn(String name) {
      return Arn.sqs(partition, config.region(), account, name);
    }

    /**
     * A workflow execution's name for an S3 event as EventBridge delivers it: one per object
     * version and event (the local runner starts executions with it; a requeue by audit reconcile
     * uses the same): bucket, key, version and sequencer hashed (a name is at most 80 characters),
     * with the key's last part kept readable.
     */
    public static String executionName(String eventJson) {
      com.fasterxml.jackson.databind.JsonNode d =
          NotificationPlanner.tree(eventJson).path("detail");
      String identity = eventJson;
      String readable = "object";
      if (d.isObject()) {
        com.fasterxml.jackson.databind.JsonNode o = d.path("object");
        String key = o.path("key").asText();
        identity =
            d.path("bucket").path("name").asText()
                + "/"
                + key
                + "@"
                + o.path("version-id").asText("")
                + "#"
                + o.path("sequencer").asText("")
                // moto gives every event the same sequencer: the ETag tells two uploads apart
                + "#"
                + o.path("etag").asText(o.path("eTag").asText(""));
        String last = key.substring(key.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9_-]", "-");
        readable = last.isEmpty() ? readable : last.substring(0, Math.min(40, last.length()));
      }
      try {
        byte[] h =
            java.security.MessageDigest.getInstance("SHA-256")
                .digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return readable + "-" + java.util.HexFormat.of().formatHex(h, 0, 16);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The state machine of a workflow under workflows:. */
    public String stateMachineArn(PipelineConfig.Workflow w) {
      return "arn:"
          + partition
          + ":states:"
          + config.region()
          + ":"
          + account
          + ":stateMachine:"
          + w.stateMachineName(config.pipeline());
    }

    /**
     * Every queue s3proc manages: those under queues: with their DLQs, and queue targets in this
     * account.
     */
    public Set<String> managedQueueNames() {
      return queuesNamedIn(config, this::manages);
    }

    /**
     * The queues under {@code queues:} with their DLQs, and the queue targets that {@code include}
     * accepts.
     */
    static Set<String> queuesNamedIn(
        PipelineConfig config, java.util.function.Predicate<PipelineConfig.Target> include) {
      Set<String> names = new java.util.LinkedHashSet<>();
      for (PipelineConfig.Queue q : config.queues().values()) {
        if (q.dlq() != null) {
          names.add(q.dlq().name());
        }
        names.add(q.name());
      }
      for (PipelineConfig.Bucket b : config.buckets()) {
        for (PipelineConfig.Rule r : b.rules()) {
          if (r.target().type() == TargetType.QUEUE && include.test(r.target())) {
            names.add(r.target().name());
          }
        }
      }
      return names;
    }

    public static String alarmPrefix(String pipeline) {
      return "s3proc." + pipeline + ".";
    }

    /** The policy statement id s3proc uses for a bucket's permission to deliver. */
    public String statementId(String bucket) {
      return statementPrefix() + bucket;
    }

    public String statementPrefix() {
      return "s3proc." + config.pipeline() + ".";
    }
  }
}
