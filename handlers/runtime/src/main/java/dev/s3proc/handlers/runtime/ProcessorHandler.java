package dev.s3proc.handlers.runtime;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.jr.ob.JSON;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.event.S3EventParser;
import dev.s3proc.core.event.S3ObjectEvent;
import dev.s3proc.core.event.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The Lambda entry point every processor shares, for every routing pattern: an SQS batch (S3 events
 * inside, direct, SNS-wrapped or EventBridge-shaped; partial batch failures returned), a direct S3
 * invocation, an EventBridge or SNS invocation, and a Step Functions task input {@code {bucket,
 * key, versionId}}. Clients are built once per container, in the constructor.
 */
public abstract class ProcessorHandler implements RequestStreamHandler {
  private final Processor processor;
  private final HandlerConfig config;
  private final S3Client s3;
  private final java.util.function.Supplier<SqsClient> sqs;
  private final AttemptRunner runner;
  private final Telemetry telemetry;

  protected ProcessorHandler(Processor processor) {
    this(processor, System.getenv());
  }

  protected ProcessorHandler(Processor processor, Map<String, String> env) {
    this.processor = processor;
    this.config = HandlerConfig.fromEnvironment(env);
    this.telemetry = new Telemetry(System.out, processor.name());
    warmUp(processor, telemetry);
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
    // Built only when a permanent failure must go to the DLQ: most invocations never need it.
    this.sqs = memoize(() -> configure(SqsClient.builder(), http, region, credentials).build());
    DynamoDbClient dynamo = dynamoFuture.join();
    this.runner =
        new AttemptRunner(
            s3,
            new AuditTrail(dynamo, config.auditTable(), config.auditTtl()),
            processor,
            config,
            telemetry);
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

  /** Starts the processor's warm-up on a daemon thread; the handler never waits for it. */
  private static void warmUp(Processor processor, Telemetry telemetry) {
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
          "the event is not a JSON object: " + abbreviate(json(event)));
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
          "not an S3, SQS, SNS, EventBridge or Step Functions event: " + abbreviate(json(event)));
    }
    return direct(events.get(), context);
  }

  /**
   * SQS batch: a message fails alone; a permanent failure goes to the DLQ at once when one is
   * configured.
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
      int attempt =
          (int) Tree.number(Tree.object(record.get("attributes")), "ApproximateReceiveCount", 1);
      String body = Tree.text(record, "body", "");
      Optional<List<S3ObjectEvent>> events = S3EventParser.parse(body);
      if (events.isEmpty()) {
        telemetry.log(
            "ERROR",
            "message is not an S3 event",
            Map.of("messageId", messageId, "body", abbreviate(body)));
        if (!toDeadLetterQueue(record, "NOT_AN_S3_EVENT", "the message body is not an S3 event")) {
          failures.add(Map.of("itemIdentifier", messageId));
        }
        failed++;
        continue;
      }
      AttemptRunner.Kind worst = AttemptRunner.Kind.SUCCEEDED;
      String reason = null;
      String type = null;
      for (S3ObjectEvent e : events.get()) {
        AttemptRunner.Outcome o;
        try {
          o = runner.run(e, attempt, context, first, true);
        } catch (SdkException trailUnavailable) {
          // the audit trail could not be claimed or written (throttling, an outage): this
          // message is retried by the queue, the others in the batch are not held up
          telemetry.log(
              "WARN",
              "audit trail unavailable; the queue will retry the message",
              Map.of(
                  "messageId",
                  messageId,
                  "bucket",
                  String.valueOf(e.bucket()),
                  "key",
                  e.key(),
                  "error",
                  String.valueOf(trailUnavailable.getMessage())));
          files++;
          worst = AttemptRunner.Kind.TRANSIENT;
          continue;
        } finally {
          first = false;
        }
        files++;
        bytes += bytesRead(o);
        if (o.kind() == AttemptRunner.Kind.TRANSIENT
            || (o.kind() == AttemptRunner.Kind.PERMANENT
                && worst != AttemptRunner.Kind.TRANSIENT)) {
          worst = o.kind();
          reason = o.record().errorMessage();
          type = o.record().errorType();
        }
      }
      if (worst == AttemptRunner.Kind.TRANSIENT) {
        failures.add(Map.of("itemIdentifier", messageId));
        failed++;
      } else if (worst == AttemptRunner.Kind.PERMANENT) {
        failed++;
        if (!toDeadLetterQueue(record, type, reason)) {
          failures.add(Map.of("itemIdentifier", messageId));
        }
      }
    }
    telemetry.metrics(files, failed, System.currentTimeMillis() - start, bytes);
    return Map.of("batchItemFailures", failures);
  }

  /**
   * Sends a message that can never succeed straight to the DLQ, with the reason as message
   * attributes, so that it does not burn every retry first. False when no DLQ is configured or the
   * send failed: the message is then left to the queue, whose redrive policy takes it there after
   * its retries, and the rest of the batch is unaffected.
   */
  private boolean toDeadLetterQueue(Map<String, Object> record, String type, String reason) {
    if (config.deadLetterQueueUrl() == null) {
      return false;
    }
    try {
      sendToDeadLetterQueue(record, type, reason);
      return true;
    } catch (SdkException e) {
      telemetry.log(
          "WARN",
          "could not send to the DLQ; the queue will retry the message",
          Map.of(
              "messageId",
              Tree.text(record, "messageId", ""),
              "queueUrl",
              config.deadLetterQueueUrl(),
              "error",
              String.valueOf(e.getMessage())));
      return false;
    }
  }

  private void sendToDeadLetterQueue(Map<String, Object> record, String type, String reason) {
    sqs.get()
        .sendMessage(
            r ->
                r.queueUrl(config.deadLetterQueueUrl())
                    .messageBody(Tree.text(record, "body", ""))
                    .messageAttributes(
                        Map.of(
                            "s3proc-error-type",
                                MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue(String.valueOf(type))
                                    .build(),
                            "s3proc-error",
                                MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue(abbreviate(String.valueOf(reason)))
                                    .build(),
                            "s3proc-processor",
                                MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue(processor.name())
                                    .build())));
  }

  /**
   * Direct S3, SNS or EventBridge invocation: a transient failure is thrown so that Lambda retries
   * it.
   */
  private Map<String, Object> direct(List<S3ObjectEvent> events, Context context) {
    long start = System.currentTimeMillis();
    List<Map<String, Object>> results = new ArrayList<>();
    int files = 0;
    int failed = 0;
    long bytes = 0;
    try {
      for (S3ObjectEvent e : events) {
        AttemptRunner.Outcome o;
        try {
          o = runner.run(e, 1, context, files == 0, false);
        } catch (SdkException trailUnavailable) {
          files++;
          failed++;
          throw new TransientFailure(
              e.bucket() + "/" + e.key() + ": the audit trail could not be written",
              trailUnavailable);
        }
        files++;
        bytes += bytesRead(o);
        if (o.kind() == AttemptRunner.Kind.TRANSIENT) {
          failed++;
          throw new TransientFailure(
              e.bucket() + "/" + e.key() + ": " + o.record().errorMessage(), o.error());
        }
        failed += o.kind() == AttemptRunner.Kind.PERMANENT ? 1 : 0;
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
        runner.run(event, (int) Tree.number(input, "attempt", 1), context, true, false);
    telemetry.metrics(
        1,
        o.kind() == AttemptRunner.Kind.TRANSIENT || o.kind() == AttemptRunner.Kind.PERMANENT
            ? 1
            : 0,
        System.currentTimeMillis() - start,
        bytesRead(o));
    switch (o.kind()) {
      case TRANSIENT ->
          throw new TransientFailure(
              bucket + "/" + key + ": " + o.record().errorMessage(), o.error());
      case PERMANENT ->
          throw new ProcessingFailed(o.record().errorType() + ": " + o.record().errorMessage());
      default -> {
        return summary(o);
      }
    }
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

  private static String abbreviate(String s) {
    return s.length() <= 500 ? s : s.substring(0, 500) + "…";
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
