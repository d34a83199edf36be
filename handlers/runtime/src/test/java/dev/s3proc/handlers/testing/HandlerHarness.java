package dev.s3proc.handlers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.s3proc.core.audit.AuditRecord;
import dev.s3proc.core.audit.AuditSchema;
import dev.s3proc.core.audit.AuditTrail;
import dev.s3proc.core.testing.MotoProcess;
import dev.s3proc.handlers.runtime.ProcessorHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A real moto_server for handler tests (S3, DynamoDB, SQS), started once per test JVM on a free
 * 127.0.0.1 port and reset for each test; the handlers find it through the SDK's own
 * aws.endpointUrl setting, as a deployed function would find AWS. Events come from the JSON
 * fixtures under src/test/resources/events/.
 */
public final class HandlerHarness {
  public static final String BUCKET = "terminus-uploads";
  public static final String TABLE = "s3proc-audit";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String endpoint;

  public final S3Client s3;
  public final DynamoDbClient dynamo;
  public final SqsClient sqs;
  public final AuditTrail trail;
  public final String dlqUrl;

  public HandlerHarness() {
    endpoint = MotoProcess.endpoint();
    System.setProperty("aws.endpointUrl", endpoint);
    MotoProcess.reset();
    var http = UrlConnectionHttpClient.create();
    s3 = S3Client.builder().httpClient(http).forcePathStyle(true).build();
    dynamo = DynamoDbClient.builder().httpClient(http).build();
    sqs = SqsClient.builder().httpClient(http).build();
    s3.createBucket(r -> r.bucket(BUCKET));
    dynamo.createTable(AuditSchema.createTable(TABLE));
    trail = new AuditTrail(dynamo, TABLE, Duration.ofDays(90));
    dlqUrl = sqs.createQueue(r -> r.queueName("processing-dlq")).queueUrl();
  }

  /** Environment for a handler, as config/template.yaml sets it. */
  public Map<String, String> env(boolean withDlq) {
    Map<String, String> env = new HashMap<>();
    env.put("AUDIT_TABLE", TABLE);
    env.put("AWS_ENDPOINT_URL", endpoint);
    if (withDlq) {
      env.put("DEAD_LETTER_QUEUE_URL", dlqUrl);
    }
    return env;
  }

  /** Uploads an object; returns its eTag without quotes, as S3 events carry it. */
  public String put(String key, byte[] bytes) {
    return s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromBytes(bytes))
        .eTag()
        .replace("\"", "");
  }

  /** A fixture with its placeholders filled for an object. */
  public JsonNode event(String fixture, String key, long size, String eTag) throws IOException {
    String text;
    try (InputStream in = HandlerHarness.class.getResourceAsStream("/events/" + fixture)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Instant now = Instant.now();
    Map<String, String> values =
        Map.of(
            "${BUCKET}", BUCKET,
            "${KEY_FORM_ENCODED}", URLEncoder.encode(key, StandardCharsets.UTF_8),
            "${KEY}", key,
            "${SIZE}", Long.toString(size),
            "${ETAG}", eTag,
            "${SEQUENCER}",
                Long.toHexString(now.toEpochMilli()).toUpperCase()
                    + Integer.toHexString(key.hashCode()).toUpperCase(),
            "${MESSAGE_ID}", UUID.randomUUID().toString(),
            "${EVENT_TIME}", now.toString(),
            "${EVENT_TIME_NO_ZONE}", now.toString().replace("Z", ""));
    for (var e : values.entrySet()) {
      text = text.replace(e.getKey(), e.getValue());
    }
    return JSON.readTree(text);
  }

  /** Invokes a handler the way the Lambda Java runtime does: JSON in, JSON out. */
  public JsonNode invoke(ProcessorHandler handler, JsonNode event) throws IOException {
    return invoke(handler, event, Duration.ofMinutes(15));
  }

  /** Invokes a handler with a Lambda timeout of {@code timeout} from now. */
  public JsonNode invoke(ProcessorHandler handler, JsonNode event, Duration timeout)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream(JSON.writeValueAsBytes(event)),
        out,
        new dev.s3proc.handlers.runtime.LocalInvoke.Invocation(
            1024, System.currentTimeMillis() + timeout.toMillis()));
    return JSON.readTree(out.toByteArray());
  }

  /**
   * An SQS event as Lambda's event source mapping shapes it, from messages received from a real
   * queue (so that their receipt handles work).
   */
  public static JsonNode sqsEvent(List<Message> messages, String queueArn) {
    var root = JSON.createObjectNode();
    var records = root.putArray("Records");
    for (Message m : messages) {
      var r = records.addObject();
      r.put("messageId", m.messageId());
      r.put("receiptHandle", m.receiptHandle());
      r.put("body", m.body());
      var attributes = r.putObject("attributes");
      m.attributesAsStrings().forEach(attributes::put);
      r.putObject("messageAttributes");
      r.put("eventSource", "aws:sqs");
      r.put("eventSourceARN", queueArn);
      r.put("awsRegion", "us-east-1");
    }
    return root;
  }

  /** The S3 event body an SQS fixture carries, filled for an object. */
  public String s3EventBody(String key, long size, String eTag) throws IOException {
    return event("sqs-moto-s3-event.json", key, size, eTag)
        .path("Records")
        .get(0)
        .path("body")
        .asText();
  }

  /** A fixture's single SQS record with its ApproximateReceiveCount set. */
  public static JsonNode withReceiveCount(JsonNode sqsEvent, int count) {
    JsonNode copy = sqsEvent.deepCopy();
    ((com.fasterxml.jackson.databind.node.ObjectNode)
            copy.path("Records").get(0).path("attributes"))
        .put("ApproximateReceiveCount", Integer.toString(count));
    return copy;
  }

  public List<AuditRecord> history(String key) {
    return trail.history(BUCKET, key, null);
  }

  public byte[] get(String key) {
    return s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();
  }

  public List<Message> dlq() {
    return sqs.receiveMessage(
            r -> r.queueUrl(dlqUrl).maxNumberOfMessages(10).messageAttributeNames("All"))
        .messages();
  }

  /** Several SQS records in one batch, as Lambda's event source mapping delivers them. */
  public static JsonNode batch(List<JsonNode> singleRecordEvents) {
    var root = JSON.createObjectNode();
    var records = root.putArray("Records");
    singleRecordEvents.forEach(e -> records.add(e.path("Records").get(0)));
    return root;
  }

  public static Map<String, String> with(Map<String, String> env, String key, String value) {
    Map<String, String> copy = new HashMap<>(env);
    copy.put(key, value);
    return copy;
  }
}
