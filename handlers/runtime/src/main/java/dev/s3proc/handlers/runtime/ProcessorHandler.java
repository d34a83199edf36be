package dev.s3proc.handlers.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.audit.ComplianceTally;
import dev.s3proc.core.event.S3EventParser;
import dev.s3proc.core.event.S3ObjectEvent;
import dev.s3proc.core.event.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The Lambda entry point every processor shares, for every routing pattern: an SQS batch (S3 events
 * inside, direct, SNS-wrapped or EventBridge-shaped; partial batch failures returned), a direct S3
 * invocation, an EventBridge or SNS invocation, and a Step Functions task input {@code {bucket,
 * key, versionId}}. Clients are built once per container, in the constructor. Under SnapStart, the
 * snapshot waits for the first event's classes and the processor's warm-up ({@link
 * #beforeCheckpoint}).
 */
public abstract class ProcessorHandler implements RequestStreamHandler, Resource {
  static {
    // before anything else a handler does: the subclass's constructor, its processor's, the SDK's
    FirstEventClasses.preload();
  }

  /** The longest a snapshot waits for the preloading and the warm-up. */
  private static final Duration SNAPSHOT_WAIT = Duration.ofSeconds(30);

  private final Processor processor;
  private final HandlerConfig config;
  private final S3Client s3;
  private final MessageActions messages;
  private final AttemptRunner runner;
  private final Telemetry telemetry;
  private final java.util.function.Supplier<WorkflowTasks> sfn;
  private final Thread warmUp;

  protected ProcessorHandler(Processor processor) {
    this(processor, System.getenv());
  }

  protected ProcessorHandler(Processor processor, Map<String, String> env) {
    this.processor = processor;
    this.config = HandlerConfig.fromEnvironment(env);
    this.telemetry = new Telemetry(System.out, processor.name());
    this.warmUp = warmUp(processor, telemetry);
    var http = UrlConnectionHttpClient.create();
    // As AWS advises for Lambda: region and credentials straight from the environment Lambda sets,
    // rather than the default chains, which also look for profile files (slower cold start).
    Region region = env.get("AWS_REGION") != null ? Region.of(env.get("AWS_REGION")) : null;
    AwsCredentialsProvider credentials =
        env.get("AWS_ACCESS_KEY_ID") != null
            ? EnvironmentVariableCredentialsProvider.create()
            : DefaultCredentialsProvider.builder().build();
    // The DynamoDB client is built on another thread while S3's is built here: two cores, half the
    // wait.
    java.util.concurrent.CompletableFuture<DynamoDbClient> dynamoFuture =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> configure(DynamoDbClient.builder(), http, region, credentials).build());
    this.s3 =
        configure(S3Client.builder(), http, region, credentials)
            .forcePathStyle(pathStyle(env))
            .build();
    // Built only when a message must be dead-lettered or held back: most invocations never need it.
    this.messages =
        new MessageActions(
            memoize(() -> configure(SqsClient.builder(), http, region, credentials).build()),
            config,
            telemetry,
            processor.name());
    // Built only for a workflow step's answer and heartbeats.
    this.sfn = memoize(() -> new WorkflowTasks(http, region, credentials));
    DynamoDbClient dynamo = dynamoFuture.join();
    this.runner =
        new AttemptRunner(
            s3,
            new AuditTrail(dynamo, config.auditTable(), config.auditTtl()),
            new ComplianceTally(dynamo, config.auditTable(), config.auditTtl()),
            processor,
            config,
            telemetry,
            new ResultNotices(
                memoize(() -> configure(SnsClient.builder(), http, region, credentials).build()),
                config.resultsTopicArn(),
                telemetry));
    // Lambda calls beforeCheckpoint when SnapStart snapshots a published version.
    Core.getGlobalContext().register(this);
  }

  /**
   * SnapStart's hook, before the snapshot: waits (at most {@link #SNAPSHOT_WAIT} each) until the
   * first event's classes are loaded and the processor has warmed up, so that a restored function
   * starts with both done rather than finishing them during its first event.
   */
  @Override
  public void beforeCheckpoint(org.crac.Context<? extends Resource> context)
      throws InterruptedException {
    long start = System.nanoTime();
    boolean loaded = FirstEventClasses.await(SNAPSHOT_WAIT);
    warmUp.join(SNAPSHOT_WAIT.toMillis());
    telemetry.log(
        "INFO",
        "ready for the snapshot",
        Map.of(
            "classesLoaded", String.valueOf(loaded),
            "warmedUp", String.valueOf(!warmUp.isAlive()),
            "waitedMs", String.valueOf((System.nanoTime() - start) / 1_000_000)));
  }

  @Override
  public void afterRestore(org.crac.Context<? extends Resource> context) {
    // nothing to renew: no request is made before the snapshot, so no connection is open in it
  }

  private static <
          B extends
              software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<B, C>
                  & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>,
          C>
      B configure(
          B builder,
          software.amazon.awssdk.http.SdkHttpClient http,
          Region region,
          AwsCredentialsProvider credentials) {
    builder.httpClient(http).credentialsProvider(credentials);
    if (region != null) {
      builder.region(region);
    }
    return builder;
  }

  /**
   * Starts the processor's warm-up on a daemon thread; an event never waits for it (a snapshot
   * does).
   */
  private static Thread warmUp(Processor processor, Telemetry telemetry) {
    Thread warmUp =
        new Thread(
            () -> {
              try {
                processor.warmUp();
              } catch (Exception | LinkageError e) {
                telemetry.log(
                    "WARN",
                    "warm-up failed; the first file will be slower",
                    Map.of("error", String.valueOf(e)));
              }
            },
            "s3proc-warm-up");
    warmUp.setDaemon(true);
    warmUp.start();
    return warmUp;
  }

  private static <T> java.util.function.Supplier<T> memoize(
      java.util.function.Supplier<T> supplier) {
    return new java.util.function.Supplier<>() {
      private T value;

      @Override
      public synchronized T get() {
        if (value == null) {
          value = supplier.get();
        }
        return value;
      }
    };
  }

  /**
   * Path-style S3 addressing for an emulator on this machine (virtual hosts do not resolve there).
   */
  private static boolean pathStyle(Map<String, String> env) {
    String endpoint = env.getOrDefault("AWS_ENDPOINT_URL_S3", env.get("AWS_ENDPOINT_URL"));
    return endpoint != null && (endpoint.contains("127.0.0.1") || endpoint.contains("localhost"));
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Object event = JSON.std.anyFrom(input);
    if (!(event instanceof Map)) {
      throw new IllegalArgumentException(
          "the event is not a JSON object: " + MessageActions.abbreviate(json(event)));
    }
    JSON.std.write(handle(Tree.object(event), context), output);
  }

  /** Dispatches on the shape of the event. */
  public Map<String, Object> handle(Map<String, Object> event, Context context) {
    List<?> records = Tree.array(event.get("Records"));
    if (!records.isEmpty()
        && "aws:sqs".equals(Tree.text(Tree.object(records.get(0)), "eventSource", null))) {
      return sqsBatch(records, context);
    }
    if (event.containsKey("bucket") && event.containsKey("key") && !event.containsKey("Records")) {
      return stepFunctionsTask(event, context);
    }
    Optional<List<S3ObjectEvent>> events = S3EventParser.parse(event);
    if (events.isEmpty()) {
      throw new IllegalArgumentException(
          "not an S3, SQS, SNS, EventBridge or Step Functions event: "
              + MessageActions.abbreviate(json(event)));
    }
    return direct(event, events.get(), context);
  }

  /**
   * SQS batch: a message fails alone. A file that can never process goes to the DLQ at once with
   * its reason; one that must be retried is reported as a batch item failure, except on its last
   * delivery, when it is dead-lettered with the reason of its last failure instead of being moved
   * there by SQS without one. A delivery that met a live claim is held back until the claim
   * expires.
   */
  private Map<String, Object> sqsBatch(List<?> records, Context context) {
    List<Map<String, String>> failures = new ArrayList<>();
    long start = System.currentTimeMillis();
    int files = 0;
    int failed = 0;
    long bytes = 0;
    boolean first = true;
    for (Object r : records) {
      Map<String, Object> record = Tree.object(r);
      String messageId = Tree.text(record, "messageId", "");
      int receiveCount =
          (int) Tree.number(Tree.object(record.get("attributes")), "ApproximateReceiveCount", 1);
      String body = Tree.text(record, "body", "");
      Map<String, Object> task = workflowTask(body);
      if (task != null) {
        AttemptRunner.Outcome o = step(task, context, first);
        first = false;
        files++;
        if (o != null) {
          bytes += o.record() == null ? 0 : bytesRead(o);
          if (o.kind() == AttemptRunner.Kind.TRANSIENT
              || o.kind() == AttemptRunner.Kind.PERMANENT) {
            failed++;
          }
          if (o.kind() == AttemptRunner.Kind.DEFERRED) {
            failures.add(Map.of("itemIdentifier", messageId));
            messages.holdUntil(record, o.retryAfter());
          }
        } else {
          failures.add(
              Map.of("itemIdentifier", messageId)); // the answer did not reach Step Functions
        }
        continue;
      }
      Optional<List<S3ObjectEvent>> events = S3EventParser.parse(body);
      if (events.isEmpty()) {
        telemetry.log(
            "ERROR",
            "message is not an S3 event",
            Map.of("messageId", messageId, "body", MessageActions.abbreviate(body)));
        if (!messages.deadLetter(
            body, "NOT_AN_S3_EVENT", "the message body is not an S3 event", messageId)) {
          failures.add(Map.of("itemIdentifier", messageId));
        }
        failed++;
        continue;
      }
      AttemptRunner.Outcome worst = null;
      for (S3ObjectEvent e : events.get()) {
        AttemptRunner.Outcome o =
            runner.run(e, receiveCount, context, first, true, config.lastDelivery(receiveCount));
        first = false;
        files++;
        bytes += bytesRead(o);
        if (worst == null || severity(o.kind()) > severity(worst.kind())) {
          worst = o;
        }
      }
      if (worst == null) {
        continue; // an S3 test event: nothing to process
      }
      AttemptRunner.Kind kind = worst.kind();
      if (kind == AttemptRunner.Kind.TRANSIENT || kind == AttemptRunner.Kind.PERMANENT) {
        failed++;
      }
      boolean deadLetter =
          kind == AttemptRunner.Kind.PERMANENT
              || (kind.retry() && config.lastDelivery(receiveCount));
      if (deadLetter) {
        String type =
            kind == AttemptRunner.Kind.DEFERRED ? "CLAIM_HELD" : worst.record().errorType();
        if (!messages.deadLetter(body, type, worst.record().errorMessage(), messageId)) {
          failures.add(Map.of("itemIdentifier", messageId));
        }
      } else if (kind.retry()) {
        failures.add(Map.of("itemIdentifier", messageId));
        if (kind == AttemptRunner.Kind.DEFERRED) {
          messages.holdUntil(record, worst.retryAfter());
        }
      }
    }
    telemetry.metrics(files, failed, System.currentTimeMillis() - start, bytes);
    return Map.of("batchItemFailures", failures);
  }

  /**
   * A workflow step's message, which a state machine's {@code sqs:sendMessage.waitForTaskToken}
   * task put on the queue: {@code taskToken}, {@code step}, {@code event} (the S3 event the
   * execution started from), {@code heartbeatSeconds}, {@code retry}. Null for any other body.
   */
  private static Map<String, Object> workflowTask(String body) {
    if (!body.startsWith("{") || !body.contains("\"taskToken\"")) {
      return null;
    }
    try {
      Map<String, Object> task = Tree.object(JSON.std.anyFrom(body));
      return task.get("taskToken") instanceof String && task.get("step") instanceof String
          ? task
          : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Runs a workflow step and answers its task token: success with the step's result (outputs,
   * metadata, size) as the task's output, or failure with {@code s3proc.<ERROR_TYPE>} (a Catch
   * sends it to the failure notification; a Retry matches {@code s3proc.TRANSIENT}, {@code
   * s3proc.AUDIT_UNAVAILABLE}, ...) and the reason as its cause. Step Functions owns the retries,
   * so the message is deleted once answered: null when the answer could not be given (the message
   * comes back), the outcome otherwise. A DEFERRED outcome (a live attempt holds the step) keeps
   * the message until that claim expires.
   */
  private AttemptRunner.Outcome step(Map<String, Object> task, Context context, boolean first) {
    String taskToken = Tree.text(task, "taskToken", "");
    String step = Tree.text(task, "step", "");
    Duration heartbeat = Duration.ofSeconds(Math.max(3, Tree.number(task, "heartbeatSeconds", 60)));
    Optional<List<S3ObjectEvent>> events = S3EventParser.parse(Tree.object(task.get("event")));
    try {
      if (events.isEmpty() || events.get().size() != 1) {
        sfn.get()
            .fail(
                taskToken,
                "s3proc.NOT_AN_S3_EVENT",
                "the step's event is not one S3 object event: "
                    + MessageActions.abbreviate(json(task.get("event"))));
        return new AttemptRunner.Outcome(AttemptRunner.Kind.PERMANENT, null, null);
      }
      S3ObjectEvent e = events.get().get(0);
      // the trail's workflow column names the workflow, as the state machine's message says
      S3ObjectEvent event =
          new S3ObjectEvent(
              e.bucket(),
              e.key(),
              e.size(),
              e.eTag(),
              e.versionId(),
              e.sequencer(),
              e.eventName(),
              e.eventTime(),
              e.via(),
              Tree.text(task, "workflow", e.configurationId()),
              e.details());
      int attempt = (int) Tree.number(task, "retry", 0) + 1;
      // the state's Retry says how many retries it has (maxRetries beside it): a transient failure
      // of the last one is final, and the workflow's Catch dead-letters the file
      long maxRetries = Tree.number(task, "maxRetries", -1);
      boolean lastTry = maxRetries >= 0 && attempt > maxRetries;
      AttemptRunner.Outcome o =
          runner.run(
              event,
              attempt,
              context,
              first,
              true,
              lastTry,
              new AttemptRunner.Step(
                  step, heartbeat, () -> sfn.get().heartbeat(taskToken), counts(task, attempt)));
      switch (o.kind()) {
        case SUCCEEDED, SKIPPED -> {
          Map<String, Object> output = summary(o);
          Map<String, String> metadata = o.record().metadata();
          AuditRecord earlier =
              o.kind() == AttemptRunner.Kind.SKIPPED ? runner.earlierSuccess(event, step) : null;
          if (earlier != null) { // a duplicate: what the successful attempt made
            output.put("outputs", List.copyOf(earlier.outputs()));
            metadata = earlier.metadata();
          }
          output.put("size", event.size());
          output.put("metadata", metadata);
          String json = json(output);
          sfn.get().succeed(taskToken, json);
        }
        case PERMANENT, TRANSIENT -> {
          String type =
              o.kind() == AttemptRunner.Kind.TRANSIENT ? "TRANSIENT" : o.record().errorType();
          String cause = abbreviateCause(o.record().errorMessage());
          sfn.get().fail(taskToken, "s3proc." + type, cause);
        }
        case DEFERRED -> {
          // a live attempt holds the step (a duplicate delivery, or a retry that came before the
          // dead attempt's claim expired): this token is alive too, and comes back when that
          // claim expires
          sfn.get().heartbeat(taskToken);
        }
      }
      return o;
    } catch (LinkageError e) {
      telemetry.log(
          "ERROR",
          "a workflow step reached a handler built without Step Functions: route the workflow's"
              + " steps to a queue whose processor runs them",
          Map.of("step", step, "error", String.valueOf(e)));
      return null;
    } catch (RuntimeException e) {
      if (WorkflowTasks.noLongerAwaited(e)) {
        // the token timed out or was answered: Step Functions has moved on (a retry carries a new
        // token), so there is nobody left to answer
        telemetry.log(
            "WARN",
            "the workflow no longer waits for this step",
            Map.of("step", step, "error", String.valueOf(e.getMessage())));
        return new AttemptRunner.Outcome(AttemptRunner.Kind.SKIPPED, null, null);
      }
      telemetry.log(
          "ERROR",
          "could not answer the workflow; the step's message comes back",
          Map.of("step", step, "error", String.valueOf(e.getMessage())));
      return null;
    }
  }

  /**
   * The requests a step accounts for, as its state declares them in {@code counts} (e.g. {@code
   * {"stepTransitions": 3, "sns": 1}}: the Choice before it, itself, and the notification after
   * it). A retry re-enters the task state alone: one transition.
   */
  static Map<String, Long> counts(Map<String, Object> task, int attempt) {
    if (attempt > 1) {
      return Map.of("stepTransitions", 1L);
    }
    Map<String, Long> counts = new java.util.LinkedHashMap<>();
    Tree.object(task.get("counts"))
        .forEach(
            (counter, n) -> {
              if (n instanceof Number number && number.longValue() >= 0) {
                counts.put(counter, number.longValue());
              }
            });
    counts.putIfAbsent("stepTransitions", 1L);
    return counts;
  }

  /** Step Functions takes a cause of at most 32,768 characters. */
  private static String abbreviateCause(String message) {
    String m = message == null ? "" : message;
    return m.length() <= 32_000 ? m : m.substring(0, 32_000) + "...";
  }

  /** Which outcome of a message's events decides what happens to the message. */
  private static int severity(AttemptRunner.Kind kind) {
    return switch (kind) {
      case SUCCEEDED, SKIPPED -> 0;
      case PERMANENT -> 1;
      case DEFERRED -> 2;
      case TRANSIENT -> 3;
    };
  }

  /**
   * Direct S3, SNS or EventBridge invocation: a retry is thrown, so that Lambda retries the
   * invocation; a file that can never process is dead-lettered with its reason.
   */
  private Map<String, Object> direct(
      Map<String, Object> event, List<S3ObjectEvent> events, Context context) {
    long start = System.currentTimeMillis();
    List<Map<String, Object>> results = new ArrayList<>();
    int files = 0;
    int failed = 0;
    long bytes = 0;
    try {
      for (S3ObjectEvent e : events) {
        AttemptRunner.Outcome o = runner.run(e, 1, context, files == 0, false, false);
        files++;
        bytes += bytesRead(o);
        if (o.kind().retry()) {
          failed += o.kind() == AttemptRunner.Kind.TRANSIENT ? 1 : 0;
          throw new TransientFailure(
              e.bucket() + "/" + e.key() + ": " + o.record().errorMessage(), o.error());
        }
        if (o.kind() == AttemptRunner.Kind.PERMANENT) {
          failed++;
          messages.deadLetter(
              json(event), o.record().errorType(), o.record().errorMessage(), e.key());
        }
        results.add(summary(o));
      }
      return Map.of("results", results);
    } finally { // a retried invocation's files count too
      telemetry.metrics(files, failed, System.currentTimeMillis() - start, bytes);
    }
  }

  /**
   * Step Functions task: the result as output; a permanent failure is an error a Catch can match.
   */
  private Map<String, Object> stepFunctionsTask(Map<String, Object> input, Context context) {
    long start = System.currentTimeMillis();
    String bucket = Tree.text(input, "bucket", "");
    String key = Tree.text(input, "key", "");
    String version = Tree.text(input, "versionId", null);
    HeadObjectResponse head;
    try {
      head =
          s3.headObject(
              r -> {
                r.bucket(bucket).key(key);
                if (version != null) {
                  r.versionId(version);
                }
              });
    } catch (NoSuchKeyException | NoSuchBucketException e) {
      throw new ProcessingFailed(
          "NOT_FOUND: s3://"
              + bucket
              + "/"
              + key
              + (version != null ? " version " + version : "")
              + " does not exist");
    } catch (S3Exception e) {
      if (e.statusCode() == 404) { // HEAD has no body, so S3 cannot say which of the two
        throw new ProcessingFailed(
            "NOT_FOUND: s3://" + bucket + "/" + key + " does not exist (HTTP 404)");
      }
      throw e;
    }
    S3ObjectEvent event =
        new S3ObjectEvent(
            bucket,
            key,
            head.contentLength(),
            head.eTag(),
            version != null ? version : head.versionId(),
            null,
            "s3:ObjectCreated:Put",
            head.lastModified() == null ? Instant.now() : head.lastModified(),
            "stepfunctions",
            Tree.text(input, "workflow", null));
    AttemptRunner.Outcome o =
        runner.run(event, (int) Tree.number(input, "attempt", 1), context, true, false, false);
    telemetry.metrics(
        1,
        o.kind() == AttemptRunner.Kind.TRANSIENT || o.kind() == AttemptRunner.Kind.PERMANENT
            ? 1
            : 0,
        System.currentTimeMillis() - start,
        bytesRead(o));
    if (o.kind().retry()) {
      throw new TransientFailure(bucket + "/" + key + ": " + o.record().errorMessage(), o.error());
    }
    if (o.kind() == AttemptRunner.Kind.PERMANENT) {
      throw new ProcessingFailed(o.record().errorType() + ": " + o.record().errorMessage());
    }
    return summary(o);
  }

  private static long bytesRead(AttemptRunner.Outcome o) {
    return o.record().bytesRead() == null ? 0 : o.record().bytesRead();
  }

  private static Map<String, Object> summary(AttemptRunner.Outcome o) {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("bucket", o.record().bucket());
    n.put("key", o.record().key());
    n.put("status", o.record().status().name());
    n.put("outputs", List.copyOf(o.record().outputs()));
    if (o.record().errorType() != null) {
      n.put("errorType", o.record().errorType());
      n.put("errorMessage", o.record().errorMessage());
    }
    return n;
  }

  /** The event as it came, for an error message. */
  private static String json(Object event) {
    try {
      return JSON.std.asString(event);
    } catch (IOException e) {
      return String.valueOf(event);
    }
  }

  /** A failure worth retrying (throttling, timeouts): Lambda or the queue retries it. */
  public static final class TransientFailure extends RuntimeException {
    public TransientFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** A file that can never process; Step Functions sees this class name as the error. */
  public static final class ProcessingFailed extends RuntimeException {
    public ProcessingFailed(String message) {
      super(message);
    }
  }
}
