package dev.s3proc.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.s3proc.cli.aws.ClientFactory;
import dev.s3proc.core.config.Durations;
import dev.s3proc.core.config.PipelineConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The local event-source mapping: for each queue of the pipeline that names a processor, workers
 * long-poll the queue, hand SQS batches to the processor's handler jar as Lambda would, delete what
 * succeeded and leave the batch item failures to come back after the visibility timeout, until the
 * queue's maxReceiveCount sends them to the DLQ.
 */
public final class LocalRunner {
  /**
   * Local mode retries a failed message after 10 s instead of the queue's own visibility timeout.
   */
  public static final int LOCAL_VISIBILITY_SECONDS = 10;

  public static final int WORKERS_PER_QUEUE = 4;
  public static final int MEMORY_MB = 1024;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ClientFactory clients;
  private final PipelineConfig config;
  private final Path home;
  private final Map<String, String> baseEnv;
  private final PrintWriter log;

  public LocalRunner(
      ClientFactory clients,
      PipelineConfig config,
      Path home,
      Map<String, String> baseEnv,
      PrintWriter log) {
    this.clients = clients;
    this.config = config;
    this.home = home;
    this.baseEnv = baseEnv;
    this.log = log;
  }

  /** The queues the runner consumes: those a rule targets and that name a processor. */
  public static List<PipelineConfig.Queue> consumed(PipelineConfig config) {
    Set<String> targeted = new HashSet<>();
    config
        .buckets()
        .forEach(
            b ->
                b.rules()
                    .forEach(
                        r -> {
                          if (r.target().type() == PipelineConfig.TargetType.QUEUE) {
                            targeted.add(r.target().name());
                          }
                        }));
    return config.queues().values().stream()
        .filter(q -> q.processor() != null && targeted.contains(q.name()))
        .toList();
  }

  public void run(AtomicBoolean stop) throws Exception {
    SqsClient sqs = clients.sqs();
    List<Thread> workers = new ArrayList<>();
    List<LoadedHandler> handlers = new ArrayList<>();
    for (PipelineConfig.Queue q : consumed(config)) {
      String url = sqs.getQueueUrl(r -> r.queueName(q.name())).queueUrl();
      Map<String, String> env = new HashMap<>(baseEnv);
      env.put("AUDIT_TABLE", config.audit().table());
      env.put("AUDIT_TTL", Durations.format(config.audit().ttl()));
      if (q.dlq() != null) {
        env.put(
            "DEAD_LETTER_QUEUE_URL", sqs.getQueueUrl(r -> r.queueName(q.dlq().name())).queueUrl());
      }
      LoadedHandler handler =
          new LoadedHandler(
              HandlerJars.of(home, q.processor()), env, q.processor() + "-" + q.name(), MEMORY_MB);
      handlers.add(handler);
      String account = url.replaceAll(".*/(\\d{12})/[^/]+$", "$1");
      String arn = "arn:aws:sqs:" + config.region() + ":" + account + ":" + q.name();
      for (int i = 0; i < WORKERS_PER_QUEUE; i++) {
        Thread t =
            new Thread(
                () -> poll(sqs, q.name(), url, arn, handler, stop), "runner-" + q.name() + "-" + i);
        t.start();
        workers.add(t);
      }
      log.println(
          Instant.now()
              + " runner: "
              + q.name()
              + " -> "
              + q.processor()
              + " handler, "
              + WORKERS_PER_QUEUE
              + " workers");
    }
    log.println(Instant.now() + " runner ready");
    log.flush();
    for (Thread t : workers) {
      t.join();
    }
    for (LoadedHandler h : handlers) {
      h.close();
    }
  }

  private void poll(
      SqsClient sqs,
      String queue,
      String url,
      String arn,
      LoadedHandler handler,
      AtomicBoolean stop) {
    while (!stop.get()) {
      try {
        List<Message> batch =
            sqs.receiveMessage(
                    r ->
                        r.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .visibilityTimeout(LOCAL_VISIBILITY_SECONDS)
                            .messageSystemAttributeNamesWithStrings("All")
                            .messageAttributeNames("All"))
                .messages();
        if (batch.isEmpty()) {
          continue;
        }
        Set<String> failed = invoke(handler, event(batch, arn));
        List<DeleteMessageBatchRequestEntry> done = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          if (!failed.contains(batch.get(i).messageId())) {
            done.add(
                DeleteMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .receiptHandle(batch.get(i).receiptHandle())
                    .build());
          }
        }
        if (!done.isEmpty()) {
          sqs.deleteMessageBatch(r -> r.queueUrl(url).entries(done));
        }
        log.println(
            Instant.now()
                + " runner: "
                + queue
                + " batch of "
                + batch.size()
                + ", "
                + failed.size()
                + " failed");
        log.flush();
      } catch (RuntimeException e) {
        if (!stop.get()) {
          log.println(Instant.now() + " runner: " + queue + " poll failed: " + e);
          log.flush();
          sleepQuietly();
        }
      }
    }
  }

  /** Invokes the handler; its batch item failures, or the whole batch when it threw. */
  private Set<String> invoke(LoadedHandler handler, ObjectNode event) {
    Set<String> failed = new HashSet<>();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      handler.invoke(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out);
      JsonNode response = JSON.readTree(out.toByteArray());
      response
          .path("batchItemFailures")
          .forEach(f -> failed.add(f.path("itemIdentifier").asText()));
    } catch (Exception e) {
      log.println(
          Instant.now() + " runner: handler threw " + e + ": the whole batch will be retried");
      event.path("Records").forEach(r -> failed.add(r.path("messageId").asText()));
    }
    return failed;
  }

  /** An SQS event as Lambda's event source mapping shapes it. */
  static ObjectNode event(List<Message> batch, String arn) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (Message m : batch) {
      ObjectNode r = records.addObject();
      r.put("messageId", m.messageId());
      r.put("receiptHandle", m.receiptHandle());
      r.put("body", m.body());
      ObjectNode attributes = r.putObject("attributes");
      m.attributesAsStrings().forEach(attributes::put);
      ObjectNode messageAttributes = r.putObject("messageAttributes");
      m.messageAttributes()
          .forEach(
              (k, v) ->
                  messageAttributes
                      .putObject(k)
                      .put("stringValue", v.stringValue())
                      .put("dataType", v.dataType()));
      r.put("md5OfBody", m.md5OfBody());
      r.put("eventSource", "aws:sqs");
      r.put("eventSourceARN", arn);
      r.put("awsRegion", arn.split(":")[3]);
    }
    return root;
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
